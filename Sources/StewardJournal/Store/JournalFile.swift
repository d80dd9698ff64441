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
        var directory = ""
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, component) in components.enumerated() {
            directory += index == 0 ? String(component) : "/" + component
            guard !directory.isEmpty else { continue }
            if isPrivate && index == components.count - 1 {
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
