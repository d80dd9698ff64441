#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StewardCore

/// The few file-system facts the config loader needs, with plain POSIX calls: read a file, check
/// that a file exists, that a directory can be entered or a file appended to, resolve relative
/// paths.
enum ConfigFiles {
    /// What kind of entry a path names.
    enum EntryKind: Equatable {
        case missing
        case directory
        case other
    }

    /// Reads the whole regular file at `path`, of at most `limit` bytes.
    /// - Throws: a ``ConfigValueProblem`` carrying the reason (`No such file or directory`,
    ///   `not a regular file (a FIFO)`, `larger than 4 MiB (5000000 bytes)`).
    static func read(_ path: String, limit: Int) throws(ConfigValueProblem) -> [UInt8] {
        do { return try ConfigFileReading.readBytes(atPath: path, limit: limit) } catch { throw ConfigValueProblem(error.description) }
    }

    /// Whether `path` exists and is a directory (symbolic links followed).
    static func kind(of path: String) -> EntryKind {
        var status = stat()
        guard stat(path, &status) == 0 else { return .missing }
        return (status.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
    }

    /// Why a child could not start in the directory `path` (its spawn's `chdir`, done with
    /// steward's own ids, so asked with them); `nil` when it can.
    /// - Returns: `directory not found ("/srv/x")`, `not a directory ("/srv/x")`, or
    ///   `cannot enter the directory ("/srv/x"): Permission denied`.
    static func enterableDirectoryProblem(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT { return "directory not found (\(JSONValue.quoted(path)))" }
            return "cannot enter the directory (\(JSONValue.quoted(path))): \(reason(code))"
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return "not a directory (\(JSONValue.quoted(path)))" }
        guard access(path, X_OK) == 0 else { return "cannot enter the directory (\(JSONValue.quoted(path))): \(reason(errno))" }
        return nil
    }

    /// Why the file `path` could not be opened for appending, created if missing (as a process's
    /// `log.file` is opened), asked without creating it; `nil` when it can.
    /// - Returns: `its directory /srv/logs does not exist`, `is a directory`, or the OS reason.
    static func appendableFileProblem(_ path: String) -> String? {
        var status = stat()
        if stat(path, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFDIR { return "is a directory" }
            return access(path, W_OK) == 0 ? nil : reason(errno)
        }
        guard errno == ENOENT else { return reason(errno) }
        let parent = directory(of: path)
        guard stat(parent, &status) == 0 else {
            return errno == ENOENT ? "its directory \(parent) does not exist" : "cannot use its directory \(parent): \(reason(errno))"
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return "\(parent) is not a directory" }
        return access(parent, W_OK | X_OK) == 0 ? nil : "cannot create files in \(parent): \(reason(errno))"
    }

    /// The OS's text for `errno` value `code`.
    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The process's working directory, or `"."` if it cannot be determined.
    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The directory part of `path` (`"."` when there is none, `"/"` for top-level files).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// `path` itself when absolute; otherwise `base/path`. `.` components and repeated slashes are
    /// removed; `..` is kept (it cannot be resolved lexically when symbolic links are involved).
    static func resolve(_ path: String, against base: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Removes `.` components, empty components and a trailing slash.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
