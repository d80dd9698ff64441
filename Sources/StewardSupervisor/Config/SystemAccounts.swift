#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that a `user` or `group` named in the config exists on this machine, through the
/// reentrant `getpwnam_r`/`getgrnam_r` (the plain variants share static buffers between threads).
///
/// Numeric ids are accepted without a lookup: in containers, running as an id that has no passwd
/// entry is normal.
enum SystemAccounts {
    /// Which database to search.
    enum Database {
        case users
        case groups

        var noun: String { self == .users ? "user" : "group" }
    }

    /// Whether `text` is a plain numeric id (fits in `id_t`).
    static func isNumericID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } && UInt32(text) != nil
    }

    /// Checks that `name` is a numeric id or an existing entry of `database`.
    /// - Throws: `unknown user "www-data"`, or the lookup's OS error.
    static func validate(_ name: String, in database: Database) throws(ConfigValueProblem) {
        if isNumericID(name) { return }
        _ = try lookup(name, in: database)
    }

    /// An account's ids: for a user its uid and primary gid, for a group its gid (twice).
    struct Account: Equatable {
        var id: UInt32
        var primaryGroup: UInt32
    }

    /// Looks `name` up by name, or a numeric user id by id (to learn its primary group).
    /// - Throws: `unknown user "www-data"`, or the lookup's OS error.
    static func lookup(_ name: String, in database: Database) throws(ConfigValueProblem) -> Account {
        var size = max(Int(sysconf(Int32(_SC_GETPW_R_SIZE_MAX))), 1024)
        while true {
            let code: Int32
            var found: Account?
            var buffer = [CChar](repeating: 0, count: size)
            switch database {
            case .users:
                var entry = passwd()
                var result: UnsafeMutablePointer<passwd>?
                code = isNumericID(name)
                    ? getpwuid_r(UInt32(name)!, &entry, &buffer, buffer.count, &result)
                    : getpwnam_r(name, &entry, &buffer, buffer.count, &result)
                if result != nil { found = Account(id: entry.pw_uid, primaryGroup: entry.pw_gid) }
            case .groups:
                var entry = group()
                var result: UnsafeMutablePointer<group>?
                code = isNumericID(name)
                    ? getgrgid_r(UInt32(name)!, &entry, &buffer, buffer.count, &result)
                    : getgrnam_r(name, &entry, &buffer, buffer.count, &result)
                if result != nil { found = Account(id: entry.gr_gid, primaryGroup: entry.gr_gid) }
            }
            if code == ERANGE, size < 1 << 24 {
                size *= 4
                continue
            }
            if let found { return found }
            // ENOENT, ESRCH, EBADF and EPERM are documented as "not found" answers, as is 0.
            if code == 0 || code == ENOENT || code == ESRCH || code == EBADF || code == EPERM {
                throw ConfigValueProblem("unknown \(database.noun) \(JSONValue.quoted(name))")
            }
            throw ConfigValueProblem(
                "cannot look up \(database.noun) \(JSONValue.quoted(name)): \(String(cString: strerror(code)))")
        }
    }
}
