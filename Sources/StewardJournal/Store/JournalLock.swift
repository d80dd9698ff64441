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
    /// - Throws: `SQLITE_BUSY` naming the owner's pid when another process holds it;
    ///   `SQLITE_CANTOPEN` when the file cannot be created.
    init(journalPath: String) throws(SQLiteError) {
        path = journalPath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SQLiteError.fileSystem(errno, operation: "lock \(path)")
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
