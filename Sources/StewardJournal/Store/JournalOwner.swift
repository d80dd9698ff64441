import StewardCore

/// Who writes a journal now: the process holding its writer lock (`<journal>.lock`), found without
/// taking the lock and without creating anything.
public enum JournalOwner {
    /// The pid of the process that holds the writer lock of the journal at `journalPath` (as its
    /// lock file records it; `0` if unreadable); `nil` when no process holds it, there is no lock
    /// file, or it cannot be looked at (see `LockFile.holder(at:)`).
    public static func writer(ofJournalAt journalPath: String) -> Int32? {
        guard case .process(let pid) = LockFile.holder(at: journalPath + ".lock") else { return nil }
        return pid ?? 0
    }
}
