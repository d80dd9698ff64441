#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

/// What steward needs of a run journal, whichever database keeps it: the SQLite file of one
/// steward (``SQLiteRunStore``) or a PostgreSQL database several stewards share.
///
/// A journal keeps runs, their logs and job state (`RunStore`) and the operators' actions
/// (`AuditLog`); it says whether it can be written (``health``), removes what its retention
/// policy no longer keeps (``prune(_:now:progress:)``), and is closed once at shutdown.
public protocol JournalBackend: RunStore, AuditLog {
    /// Where the journal is, for people: a file's path, or a connection string without its password.
    var location: String { get }

    /// Whether the journal can be written now, and since when.
    var health: JournalHealth { get }

    /// Calls `handler` on every change of ``health`` (from a thread of the journal's; it must not
    /// block); returns a token for ``removeHealthObserver(_:)``.
    func observeHealth(_ handler: @escaping @Sendable (JournalHealth) -> Void) -> UInt64

    /// Stops calling a handler given to ``observeHealth(_:)``.
    func removeHealthObserver(_ token: UInt64)

    /// Removes ended runs `policy` no longer keeps, as of `now`, in batches (reporting the
    /// running total to `progress` after each); never an active run.
    /// - Throws: `unavailable` when the journal cannot be written (the next pass tries again).
    @discardableResult
    func prune(_ policy: RetentionPolicy, now: Date,
               progress: @Sendable (RetentionReport) -> Void) async throws(RunStoreError) -> RetentionReport

    /// Removes audit entries older than `cutoff` and beyond the newest 100,000; returns how many went.
    /// - Throws: `unavailable` when the journal cannot be written.
    @discardableResult
    func pruneAudit(before cutoff: Date?) async throws(RunStoreError) -> Int

    /// Writes what is pending and lets go of the database; later calls fail `unavailable`.
    func close() async
}

extension SQLiteRunStore: JournalBackend {
    /// The journal file's path.
    public var location: String { path }
}
