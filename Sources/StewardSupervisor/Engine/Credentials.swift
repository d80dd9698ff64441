import StewardProcesses
#if canImport(Glibc)
import Glibc
#endif

/// Resolves a config's `user`/`group` (names or numeric ids) to the ids a child runs as, with
/// the same lookups that validated them.
enum CredentialResolution {
    /// `nil` when neither is set. The group defaults to the user's primary group (steward's group
    /// for a numeric uid without a passwd entry, which containers allow); a group alone keeps
    /// steward's user.
    static func resolve(user: String?, group: String?) -> ChildProcessSpec.Credentials? {
        guard user != nil || group != nil else { return nil }
        var uid = getuid()
        var gid = getgid()
        if let user {
            if let account = try? SystemAccounts.lookup(user, in: .users) {
                uid = account.id
                gid = account.primaryGroup
            } else if let numeric = UInt32(user) {
                uid = numeric
            }
        }
        if let group {
            if let account = try? SystemAccounts.lookup(group, in: .groups) {
                gid = account.id
            } else if let numeric = UInt32(group) {
                gid = numeric
            }
        }
        return ChildProcessSpec.Credentials(uid: uid, gid: gid)
    }
}
