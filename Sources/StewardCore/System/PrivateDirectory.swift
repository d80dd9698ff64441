#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory that belongs to this user alone, made under one every user can write (`/tmp`):
/// the journal's default `/tmp/steward-UID`, and later the control socket's. Another user could
/// have created it first, to read what steward keeps there or to swap its files for symbolic
/// links to files steward would then overwrite; so an existing one is trusted only when nobody
/// else can have put anything in it.
package enum PrivateDirectory {
    /// Creates `path` with mode 0700, or accepts the existing one only if it is a real directory
    /// (not a symbolic link to one), owned by this process's effective uid, and not writable by its
    /// group or others. Its parent must exist. Checked after creating too: `mkdir` may have lost a
    /// race with someone else's.
    /// - Throws: ``PrivateDirectoryError`` naming the path and what is wrong with it.
    package static func prepare(_ path: String) throws(PrivateDirectoryError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw PrivateDirectoryError(path: path, problem: "cannot create it: \(String(cString: strerror(errno)))")
        }
        try check(path)
    }

    /// Checks an existing directory as ``prepare(_:)`` does.
    /// - Throws: ``PrivateDirectoryError`` naming the path and what is wrong with it.
    package static func check(_ path: String) throws(PrivateDirectoryError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {  // lstat: a symbolic link is looked at, not followed
            throw PrivateDirectoryError(path: path, problem: "cannot look at it: \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & fileTypeMask {
        case directoryType: break
        case symbolicLinkType: throw PrivateDirectoryError(path: path, problem: "it is a symbolic link")
        default: throw PrivateDirectoryError(path: path, problem: "it is not a directory")
        }
        let uid = geteuid()
        guard info.st_uid == uid else {
            throw PrivateDirectoryError(path: path, problem: "it is owned by uid \(info.st_uid), not by this process's uid \(uid)")
        }
        guard info.st_mode & 0o022 == 0 else {
            let mode = "0" + String(info.st_mode & 0o7777, radix: 8)
            throw PrivateDirectoryError(path: path, problem: "it is writable by its group or others (mode \(mode))")
        }
    }

    // The S_IF* macros, which Swift does not import with mode_t's type.
    private static let fileTypeMask: mode_t = 0o170000
    private static let directoryType: mode_t = 0o040000
    private static let symbolicLinkType: mode_t = 0o120000
}

/// A directory that must be private is not: which one, and why.
package struct PrivateDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The directory.
    package var path: String
    /// What is wrong with it ("it is owned by uid 65534, not by this process's uid 0").
    package var problem: String

    package init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `refusing the directory PATH: PROBLEM`.
    package var description: String { "refusing the directory \(path): \(problem)" }
}
