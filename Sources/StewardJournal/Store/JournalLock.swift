#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import StewardCore

/// The lock that makes one process the journal's only writer: a ``LockFile`` at
/// `<journal>.lock`, which holds the owner's pid for the error another steward reports. The
/// kernel drops it when the owner dies (even by SIGKILL), so a crash never leaves it stale.
///
/// A separate file because SQLite's own POSIX locks on the database would be released by
/// closing any other descriptor of that file in this process.
final class JournalLock {
    let path: String
    private let lock: LockFile

    /// Takes the lock, creating the file (mode 0600).
    ///
    /// The file is rewritten with the owner's pid, so it is opened only as what it claims to be:
    /// not through a symbolic link (one planted in the journal's directory would have steward
    /// overwrite the file it points to), not truncated before the lock is held, and only if it is
    /// a regular file.
    /// - Throws: `SQLITE_BUSY` naming the owner's pid when another process holds it;
    ///   `SQLITE_CANTOPEN` when the file cannot be created; an error of the journal's own (code 0)
    ///   for a symbolic link or a file of another kind.
    init(journalPath: String) throws(SQLiteError) {
        path = journalPath + ".lock"
        do {
            lock = try LockFile(path: path)
        } catch {
            switch error {
            case .held(_, let pid):
                throw SQLiteError(code: SQLITE_BUSY, operation: "lock \(path)",
                                  message: "the journal is in use by another steward" + (pid.map { " (pid \($0))" } ?? ""))
            case .unusable(_, let failure) where failure.rawValue == ELOOP:
                throw SQLiteError(code: 0, operation: "lock \(path)", message: "it is a symbolic link; refusing to follow it")
            case .unusable(_, let failure):
                throw SQLiteError.fileSystem(failure.rawValue, operation: "lock \(path)")
            case .notRegularFile:
                throw SQLiteError(code: 0, operation: "lock \(path)", message: "it is not a regular file")
            }
        }
    }
}
