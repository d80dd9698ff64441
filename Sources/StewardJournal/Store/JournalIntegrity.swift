#if canImport(Glibc)
import Glibc
#endif
import CSQLite

/// How the journal notices a damaged file: SQLite's `PRAGMA quick_check` when the writer opens a
/// file it has not checked yet, and `SQLITE_CORRUPT` or `SQLITE_NOTADB` from any read or write.
///
/// A corrupt file is never written again by this process: writing into a damaged b-tree can
/// spread the damage, and nothing steward does repairs it. The journal stays unhealthy ("journal
/// corrupt: …"), jobs go on with their records kept in memory as in any outage, and the writer
/// tries again only once the path names another file — the operator moved the damaged one away
/// (with its `-wal` and `-shm` files) or restored a backup — which is checked before it is used.
enum JournalIntegrity {
    /// The largest file checked at open. `quick_check` reads every page (it skips only
    /// `integrity_check`'s index cross-checks): measured at about 0.2 s per 100 MB with the file
    /// in the page cache and up to 2 s per 100 MB from a cold disk, and the first open happens in
    /// ``SQLiteRunStore/init(path:options:logger:)``, on steward's way up. Retention keeps a
    /// journal far below this; a bigger one is opened unchecked (said at notice level), and damage
    /// in it still shows as soon as SQLite reads a damaged page.
    static let quickCheckLimit: Int64 = 128 << 20

    /// Runs `PRAGMA quick_check(1)`.
    /// - Throws: `SQLITE_CORRUPT` with the first problem SQLite reports, when it reports one.
    static func quickCheck(_ connection: SQLiteConnection) throws(SQLiteError) {
        let result = try connection.statement("PRAGMA quick_check(1)").first { $0.text(0) } ?? "ok"
        guard result != "ok" else { return }
        throw SQLiteError(code: SQLITE_CORRUPT, operation: "quick_check", message: firstProblem(result))
    }

    /// The first line of a `quick_check` report that says something: its rows start with a
    /// `*** in database main ***` header line.
    static func firstProblem(_ report: String) -> String {
        report.split(separator: "\n").first { !$0.hasPrefix("***") }.map(String.init) ?? report
    }
}

/// Which file a path names, and whether it changed: to tell the damaged file from one that
/// replaced it at the same path.
struct JournalFileIdentity: Sendable {
    let device: UInt64
    let inode: UInt64
    /// The inode's change time (ns): a file renamed into place, or restored, has a new one.
    let changed: Int64
    let size: Int64

    /// The file at `path` now; `nil` when there is none (or it cannot be looked at).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        size = Int64(info.st_size)
    }

    /// Whether `other` is the same file (device and inode).
    func isSameFile(as other: JournalFileIdentity?) -> Bool {
        other.map { $0.device == device && $0.inode == inode } ?? false
    }

    /// Whether `other` is the same file, not changed since (an inode number reused by a new file
    /// shows a new change time).
    func isUnchanged(since other: JournalFileIdentity?) -> Bool {
        isSameFile(as: other) && other?.changed == changed
    }
}
