#if canImport(Glibc)
import Glibc
#endif
import CSQLite

/// The lock that makes one process the journal's only writer: an exclusive `flock` on
/// `<journal>.lock`, which holds the owner's pid for the error another steward reports. The
/// kernel drops it when the owner dies (even by SIGKILL), so a crash never leaves it stale.
///
/// A separate file because SQLite's own POSIX locks on the database would be released by
/// closing any other descriptor of that file in this process.
final class JournalLock {
    let path: String
    private let descriptor: Int32

    /// Takes the lock, creating the file (mode 0600).
    ///
    /// The file is rewritten with the owner's pid, so it is opened only as what it claims to be:
    /// not through a symbolic link (`O_NOFOLLOW`: one planted in the journal's directory would
    /// have steward overwrite the file it points to), not truncated before the lock is held, and
    /// only if it is a regular file.
    /// - Throws: `SQLITE_BUSY` naming the owner's pid when another process holds it;
    ///   `SQLITE_CANTOPEN` when the file cannot be created; an error of the journal's own (code 0)
    ///   for a symbolic link or a file of another kind.
    init(journalPath: String) throws(SQLiteError) {
        path = journalPath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            if errno == ELOOP {
                throw SQLiteError(code: 0, operation: "lock \(path)", message: "it is a symbolic link; refusing to follow it")
            }
            throw SQLiteError.fileSystem(errno, operation: "lock \(path)")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & 0o170000 == 0o100000 else {  // S_IFMT, S_IFREG
            close(descriptor)
            throw SQLiteError(code: 0, operation: "lock \(path)", message: "it is not a regular file")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = Self.readOwner(descriptor)
            close(descriptor)
            throw SQLiteError(code: SQLITE_BUSY, operation: "lock \(path)",
                              message: "the journal is in use by another steward" + (owner.map { " (pid \($0))" } ?? ""))
        }
        self.descriptor = descriptor
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func readOwner(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let digits = String(decoding: buffer.prefix(count), as: UTF8.self).filter(\.isNumber)
        return digits.isEmpty ? nil : digits
    }
}
