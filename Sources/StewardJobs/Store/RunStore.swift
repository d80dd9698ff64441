#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where runs, their logs and per-definition state live: the journal.
///
/// Designed for an SQLite implementation shared with other processes (the CLI reading runs and
/// following logs):
/// - a run is made durable with ``createRun(_:)`` and moved to `running` with ``claimRun(_:startedAt:)``
///   *before* `execute` starts, so a reader sees it at once;
/// - progress arrives through ``updateProgress(_:_:)``, which may be coalesced (the latest value
///   wins; a finish always carries the final one);
/// - log lines arrive in batches through ``appendLog(_:_:)``; lines get consecutive offsets;
/// - every read takes and returns plain values (no handles), so another process can serve them;
/// - state changes that must not race are compare-and-set: claiming, finishing, marking proceeded.
///
/// The scheduler never lets a store error stop supervision: it logs it and carries on (the
/// journal is degraded, the jobs still run) — as a warning, or at debug level when the store
/// reported the outage itself (``RunStoreError/isAnnounced``).
public protocol RunStore: Sendable {
    /// Makes a new run durable, in whatever state the record has (`queued`, or already final for
    /// `skipped`/`missed` records).
    /// - Throws: `duplicateRun` if the id exists; `unavailable`.
    func createRun(_ record: RunRecord) async throws(RunStoreError)

    /// Moves a `queued` run to `running`, setting `startedAt`; returns the updated record.
    /// - Throws: `conflict` if the run is not `queued` (claimed elsewhere, stopped, recovered);
    ///   `unknownRun`; `unavailable`.
    func claimRun(_ runId: RunID, startedAt: Date) async throws(RunStoreError) -> RunRecord

    /// Replaces the record of an active run (steps, last completed step, progress, …).
    /// - Throws: `conflict` if the stored run is already final; `unknownRun`; `unavailable`.
    func updateRun(_ record: RunRecord) async throws(RunStoreError)

    /// Records an active run's progress. May be coalesced: only the latest value must survive.
    /// - Throws: `unknownRun`; `unavailable`. Progress of a final run is ignored.
    func updateProgress(_ runId: RunID, _ progress: RunProgress) async throws(RunStoreError)

    /// Writes a run's final record (its state must be final). A run is finished once.
    /// - Throws: `conflict` if the stored run is already final; `unknownRun`; `unavailable`.
    func finishRun(_ record: RunRecord) async throws(RunStoreError)

    /// Marks an `interrupted` run as continued by `newRunId` (sets `proceededBy`), atomically, so
    /// a run proceeds at most once even when two processes try.
    /// - Throws: `conflict` if the run is not `interrupted` or already proceeded; `unknownRun`.
    func markProceeded(_ runId: RunID, by newRunId: RunID) async throws(RunStoreError) -> RunRecord

    /// Appends lines to a run's log, in order. The store caps each run's log: past its limit one
    /// truncation marker line (source `system`) is written and further lines are dropped.
    /// - Throws: `unknownRun`; `unavailable`.
    func appendLog(_ runId: RunID, _ entries: [RunLogEntry]) async throws(RunStoreError)

    /// One run's record; `nil` if unknown.
    func run(_ runId: RunID) async throws(RunStoreError) -> RunRecord?

    /// Runs matching `query`, newest first.
    func runs(_ query: RunQuery) async throws(RunStoreError) -> [RunRecord]

    /// The ids of up to `limit` runs whose id starts with `prefix` (people type the first few
    /// characters of an id), in no particular order.
    /// - Throws: `unavailable`.
    func runIds(startingWith prefix: String, limit: Int) async throws(RunStoreError) -> [RunID]

    /// How many runs match `query` (its `limit` and `before` ignored), per state; states
    /// without runs are absent. A default implementation counts what ``runs(_:)`` returns.
    func runCounts(_ query: RunQuery) async throws(RunStoreError) -> [RunState: Int]

    /// Up to `limit` lines (all when `nil`) of a run's log from `offset` on.
    /// - Throws: `unknownRun`; `unavailable`.
    func readLog(_ runId: RunID, from offset: Int, limit: Int?) async throws(RunStoreError) -> RunLogPage

    /// The lines of a run's log from `offset` on, then each new line as it is appended; the
    /// sequence ends once the run is final and every line was delivered (or when the consuming
    /// task is cancelled).
    func followLog(_ runId: RunID, from offset: Int) -> RunLogFollow

    /// Recovers what a previous instance left active: every `running` run becomes `crashed`
    /// with `error` = `reason` and `finishedAt` = `instant`; `queued` runs stay queued and are
    /// returned so the scheduler runs each once. Called once when a scheduler starts (reason
    /// `supervisor restart`), so nothing stays `running` forever. A store shared with a live
    /// instance must not be recovered (the SQLite journal takes a lock for that).
    func recoverRuns(reason: String, at instant: Date) async throws(RunStoreError) -> RunRecovery

    /// A definition's persisted state; `nil` if none was saved.
    func definitionState(_ jobId: JobID) async throws(RunStoreError) -> JobDefinitionState?

    /// Saves a definition's state (replacing the previous one).
    func saveDefinitionState(_ state: JobDefinitionState) async throws(RunStoreError)
}

extension RunStore {
    /// See ``RunStore/runIds(startingWith:limit:)``: a scan of every run, for stores without an
    /// index on the id.
    public func runIds(startingWith prefix: String, limit: Int) async throws(RunStoreError) -> [RunID] {
        Array(try await runs(RunQuery()).lazy.map(\.runId).filter { $0.rawValue.hasPrefix(prefix) }.prefix(limit))
    }
}
