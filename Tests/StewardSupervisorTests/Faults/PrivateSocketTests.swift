import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Fault: the control socket's default directory in /tmp", .serialized, .timeLimit(.minutes(1)))
struct PrivateSocketTests {
    static let directory = "/tmp/steward-65534"

    /// `steward run` as uid 65534 with no runtime directory: its control socket defaults to
    /// /tmp/steward-65534/steward.sock.
    static func runAsNobody(_ config: String) throws -> ChildProgram {
        var environment = ChildProgram.currentEnvironment
        for key in ["HOME", "XDG_RUNTIME_DIR", "XDG_STATE_HOME", "STEWARD_SOCKET"] { environment[key] = nil }
        return try ChildProgram(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", Fault.steward, "run", config],
                                environment: environment)
    }

    static func config() throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory("private-socket")
        chmod(directory.path, 0o755)
        let path = directory.file("steward.json5")
        try Fault.write(#"{ processes: { idle: { command: ["sleep", "600"] } } }"#, to: path)
        chmod(path, 0o644)
        return (directory, path)
    }

    @Test("a fresh default directory is created 0700 for steward's uid, with the socket inside")
    func createsItPrivate() async throws {
        try? FileManager.default.removeItem(atPath: Self.directory)
        defer { try? FileManager.default.removeItem(atPath: Self.directory) }
        let (scratch, config) = try Self.config()
        defer { withExtendedLifetime(scratch) {} }
        let steward = try Self.runAsNobody(config)
        #expect(await steward.waitUntil { $0.contains { $0.contains("control socket listening") } }, "\(steward.lines)")
        #expect(access(Self.directory + "/steward.sock", F_OK) == 0)
        var info = stat()
        #expect(lstat(Self.directory, &info) == 0)
        #expect(info.st_uid == 65534 && info.st_mode & 0o777 == 0o700)
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }

    /// Fault: another user made /tmp/steward-UID first (world-writable, theirs) to swap steward's
    /// socket for one of their own. steward refuses the directory, says why, and supervises on.
    @Test("a default directory someone else made is refused, named in a warning; the processes still run")
    func refusesAForeignOne() async throws {
        try? FileManager.default.removeItem(atPath: Self.directory)
        defer { try? FileManager.default.removeItem(atPath: Self.directory) }
        #expect(mkdir(Self.directory, 0o777) == 0)
        chmod(Self.directory, 0o777)
        let (scratch, config) = try Self.config()
        defer { withExtendedLifetime(scratch) {} }
        let steward = try Self.runAsNobody(config)
        #expect(await steward.waitUntil { $0.contains { $0.contains("no control socket: refusing the directory \(Self.directory)") } },
                "\(steward.lines)")
        #expect(await steward.waitUntil { $0.contains { $0.contains("started") && $0.contains("process=idle") } })
        #expect(access(Self.directory + "/steward.sock", F_OK) != 0)
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }
}
