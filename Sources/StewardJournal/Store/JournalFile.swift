#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import StewardCore

/// The journal file on disk: its directory and its permissions.
enum JournalFile {
    /// Creates the journal's directory and its missing parents (mode 0700: runs' logs may hold
    /// private data). With `isPrivate` the journal's own directory must be this user's alone
    /// (``PrivateDirectory``), created or not.
    /// - Throws: `SQLITE_READONLY`/`SQLITE_CANTOPEN` when a directory cannot be created; an error
    ///   of the journal's own (code 0) naming a directory that is not private.
    static func prepareDirectory(for path: String, isPrivate: Bool) throws(SQLiteError) {
        let all = directories(of: path)
        for (index, directory) in all.enumerated() {
            if isPrivate && index == all.count - 1 {
                do throws(PrivateDirectoryError) {
                    try PrivateDirectory.prepare(directory)
                } catch {
                    throw SQLiteError(code: 0, operation: "open \(path)", message: "\(error)")
                }
            } else if mkdir(directory, 0o700) != 0 && errno != EEXIST {
                throw SQLiteError.fileSystem(errno, operation: "create the directory \(directory)")
            }
        }
    }

    /// The directories leading to `path`, outermost first (`/a`, `/a/b` for `/a/b/journal.sqlite`):
    /// those ``prepareDirectory(for:isPrivate:)`` creates when missing.
    static func directories(of path: String) -> [String] {
        var result: [String] = []
        var directory = ""
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, component) in components.enumerated() {
            directory += index == 0 ? String(component) : "/" + component
            if !directory.isEmpty { result.append(directory) }
        }
        return result
    }

    /// Checks, creating and changing nothing, what opening the journal for writing needs from the
    /// file system: each directory of ``directories(of:)`` is a directory or can be created in
    /// its parent; the innermost one lets this process create the lock, journal and WAL files;
    /// the lock and journal files, if present, are regular files it can read and write. The
    /// writer lock is not tried: a journal in use by a running steward passes.
    /// - Throws: the error opening it would meet, as ``SQLiteError/fileSystem(_:operation:)``
    ///   reports it (`use the directory /srv/x: Not a directory`).
    static func checkWritable(_ path: String) throws(SQLiteError) {
        var parent = path.hasPrefix("/") ? "/" : "."
        for directory in directories(of: path) {
            var status = stat()
            if stat(directory, &status) == 0 {
                guard (status.st_mode & S_IFMT) == S_IFDIR else {
                    throw SQLiteError.fileSystem(ENOTDIR, operation: "use the directory \(directory)")
                }
                parent = directory
                continue
            }
            let code = errno
            guard code == ENOENT else { throw SQLiteError.fileSystem(code, operation: "use the directory \(directory)") }
            // The rest is created, by this process, inside `parent`.
            guard access(parent, W_OK | X_OK) == 0 else { throw SQLiteError.fileSystem(errno, operation: "create the directory \(directory)") }
            return
        }
        guard access(parent, W_OK | X_OK) == 0 else { throw SQLiteError.fileSystem(errno, operation: "create files in \(parent)") }
        for file in [path + ".lock", path] {
            var status = stat()
            guard stat(file, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR { throw SQLiteError.fileSystem(EISDIR, operation: "open \(file)") }
            guard (status.st_mode & S_IFMT) == S_IFREG else {
                throw SQLiteError(code: SQLITE_CANTOPEN, operation: "open \(file)", message: "not a regular file")
            }
            guard access(file, R_OK | W_OK) == 0 else { throw SQLiteError.fileSystem(errno, operation: "open \(file)") }
        }
    }

    /// Creates an empty journal file with mode 0600 when none exists (SQLite gives its `-wal`
    /// and `-shm` files the same mode).
    static func createIfMissing(_ path: String) throws(SQLiteError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            return
        }
        let code = errno
        guard code != EEXIST else { return }
        throw SQLiteError.fileSystem(code, operation: "create \(path)")
    }
}
