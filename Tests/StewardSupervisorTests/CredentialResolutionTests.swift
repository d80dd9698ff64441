@testable import StewardSupervisor
import StewardProcesses
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Credential resolution")
struct CredentialResolutionTests {
    @Test("names and numeric ids resolve to uid and gid; the group defaults to the user's primary group")
    func resolution() {
        #expect(CredentialResolution.resolve(user: nil, group: nil) == nil)
        #expect(CredentialResolution.resolve(user: "root", group: nil) == .init(uid: 0, gid: 0))
        #expect(CredentialResolution.resolve(user: "0", group: nil) == .init(uid: 0, gid: 0))
        #expect(CredentialResolution.resolve(user: "root", group: "65534") == .init(uid: 0, gid: 65534))
        // A numeric uid without a passwd entry (normal in containers) keeps steward's group.
        #expect(CredentialResolution.resolve(user: "4242424", group: nil) == .init(uid: 4_242_424, gid: getgid()))
        #expect(CredentialResolution.resolve(user: nil, group: "0") == .init(uid: getuid(), gid: 0))
    }
}
