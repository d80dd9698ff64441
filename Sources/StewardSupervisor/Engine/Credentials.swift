import StewardProcesses
#if canImport(Glibc)
import Glibc
#endif

/// Resolves a config's `user`/`group` names (or numeric ids) to ids, with the reentrant lookups.
enum CredentialResolution {
    /// `nil` when neither is set. The group defaults to the user's primary group; a group alone
    /// keeps steward's user.
    static func resolve(user: String?, group: String?) -> ChildProcessSpec.Credentials? {
        guard user != nil || group != nil else { return nil }
        var uid = getuid()
        var gid = getgid()
        if let user {
            if let numeric = UInt32(user) {
                uid = numeric
                gid = primaryGroup(ofUID: numeric) ?? gid
            } else if let entry = passwordEntry(named: user) {
                uid = entry.uid
                gid = entry.gid
            }
        }
        if let group {
            if let numeric = UInt32(group) { gid = numeric } else if let found = groupID(named: group) { gid = found }
        }
        return ChildProcessSpec.Credentials(uid: uid, gid: gid)
    }

    private static func passwordEntry(named name: String) -> (uid: UInt32, gid: UInt32)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return (entry.pw_uid, entry.pw_gid)
    }

    private static func primaryGroup(ofUID uid: UInt32) -> UInt32? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.pw_gid
    }

    private static func groupID(named name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
