#if canImport(Glibc)
import Glibc
#endif

/// Who writes a journal now: the process holding its writer lock (`<journal>.lock`), found without
/// taking the lock and without creating anything.
public enum JournalOwner {
    /// The pid of the process that holds the writer lock of the journal at `journalPath` (as its
    /// lock file records it; `0` if unreadable); `nil` when no process holds it (or there is no
    /// lock file). The lock file is opened read-only without following a symlink.
    public static func writer(ofJournalAt journalPath: String) -> Int32? {
        let descriptor = open(journalPath + ".lock", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        guard flock(descriptor, LOCK_SH | LOCK_NB) != 0 else {
            _ = flock(descriptor, LOCK_UN)
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let digits = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).filter(\.isNumber)
        return Int32(digits) ?? 0
    }
}
