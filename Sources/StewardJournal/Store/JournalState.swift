#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJobs

/// What a ``SQLiteRunStore`` holds in memory, under one lock shared by its callers and its writer
/// thread: the runs this process owns until their final record is written (the mirror reads are
/// served from, so they never wait for the disk), the changes not yet written, and the waiters.
struct JournalState {
    /// A run this process owns, from its creation until its final record and last line are written.
    struct OwnedRun {
        var record: RunRecord
        /// A change that is written at the next batch (created, claimed, updated, finished).
        var recordDirty = true
        /// Only the progress changed: written once the progress interval has passed.
        var progressDirty = false
        var stepsDirty: Bool
        /// When the record was last taken for writing (monotonic ns).
        var lastWrite: UInt64 = 0
        var limiter: RunLogLimiter
        /// Lines appended and not yet committed; the first ``inFlight`` are being written.
        var pending: [RunLogLine] = []
        var inFlight = 0
        /// Lines dropped because the backlog was full while the journal could not be written.
        var lost = 0
        /// The row's `id`, once written.
        var rowId: Int64?

        /// Whether everything about the run is written and it can leave the mirror.
        var isSettled: Bool {
            record.state.isFinal && !recordDirty && !progressDirty && pending.isEmpty && lost == 0
        }
    }

    /// One run's share of a batch.
    struct RunWrite {
        let runId: RunID
        /// The record to write, when it changed.
        let record: RunRecord?
        let writeSteps: Bool
        let lines: [RunLogLine]
        let rowId: Int64?
    }

    /// What the writer takes to write in one transaction.
    struct Batch {
        var runs: [RunWrite] = []
        var definitions: [JobDefinitionState] = []
        var commands: [JournalCommand] = []
        /// Nothing to write, but the journal is unhealthy: try opening it and writing a heartbeat.
        var probe = false
        /// The generation the batch makes durable.
        var generation: UInt64 = 0
        /// Run a deferred recovery after opening (a scheduler asked while the journal was down).
        var recover = false
        /// The runs this process owned when the batch was taken: what recovery and retention
        /// must never touch.
        var owned: Set<RunID> = []

        var isEmpty: Bool { runs.isEmpty && definitions.isEmpty && commands.isEmpty && !probe }
    }

    var runs: [RunID: OwnedRun] = [:]
    var definitions: [JobID: JobDefinitionState] = [:]
    var definitionOrder: [JobID] = []
    var commands: [JournalCommand] = []
    /// Lines pending across runs.
    var backlog = 0
    /// Bumped by every change a caller may wait to see durable.
    var generation: UInt64 = 0
    /// Every change up to this generation is committed.
    var committedGeneration: UInt64 = 0
    /// Run records written since the store opened (for tests of the coalescing).
    var recordWrites = 0
    var durableWaiters: [(generation: UInt64, continuation: CheckedContinuation<SQLiteError?, Never>)] = []
    var logWaiters: [UInt64: (runId: RunID, continuation: CheckedContinuation<Void, Never>)] = [:]
    var nextWaiter: UInt64 = 0
    var health: JournalHealth
    /// Set when SQLite found the file corrupt: the file and the error. Nothing is written to that
    /// file again (see `JournalIntegrity`); the writer clears it once another file at the path
    /// passed its check.
    var corruption: Corruption?
    /// The outage going on, for the log (see ``JournalOutage``).
    var outage: JournalOutage?
    /// Log lines dropped since the store opened because the backlog was full.
    var droppedLines = 0
    /// What to log about outages, once the lock is released (``takeNotices()``).
    var notices: [JournalOutage.Notice] = []
    /// While unhealthy: no attempt before this monotonic instant.
    var retryAt: UInt64?
    /// Bumped on every change the writer should look at.
    var wake: UInt64 = 0
    var writing = false
    var closing = false
    /// The writer takes no more work (answered "closed" from now on).
    var writerDone = false
    /// The writer has closed the file.
    var writerFinished = false
    /// Recovery was asked for and not yet done (the journal was down when the scheduler started).
    var recoveryPending = false
    var closeWaiters: [CheckedContinuation<Void, Never>] = []

    /// A corrupt file found, and what found it.
    struct Corruption {
        let error: SQLiteError
        /// The damaged file; `nil` when it could not be looked at (then any file at the path is new).
        let file: JournalFileIdentity?
    }

    init(health: JournalHealth) { self.health = health }

    /// The answer to work that comes after the writer stopped.
    static let closed = SQLiteError(code: 0, operation: "write", message: "the journal is closed")

    /// Reports the journal unhealthy because of `error` (remembering a corrupt file, starting an
    /// outage); returns whether the health changed.
    @discardableResult
    mutating func markUnhealthy(_ error: SQLiteError, file: JournalFileIdentity?, since: Date,
                                now: UInt64 = monotonicNanoseconds()) -> Bool {
        // The latest damaged file found is the one not to write (a replacement may be damaged too).
        if error.isCorrupt && (corruption == nil || file != nil) { corruption = Corruption(error: error, file: file) }
        let reason = JournalHealth.reason(for: error)
        outageStarted(error, reason: reason, now: now)
        guard health.isHealthy || health.reason != reason else { return false }
        health = JournalHealth(isHealthy: false, reason: reason, since: since)
        return true
    }

    /// Whether callers should be told at once that the journal is down rather than wait for a
    /// write that will not be tried before ``retryAt``.
    func isWaitingToRetry(now: UInt64) -> Bool {
        !health.isHealthy && (retryAt.map { $0 > now } ?? false)
    }

    /// Why a caller waiting on the writer should be answered at once rather than wait: the
    /// journal is closed, or down with no attempt before ``retryAt``; `nil` to wait.
    func refusal(now: UInt64) -> SQLiteError? {
        if writerDone { return Self.closed }
        if isWaitingToRetry(now: now) {
            return SQLiteError(code: 0, operation: "write", message: health.reason ?? "the journal is unhealthy")
        }
        return nil
    }

    /// Takes what is due, marking it in flight; `nil` when nothing is.
    mutating func takeBatch(now: UInt64, progressInterval: UInt64) -> Batch? {
        if isWaitingToRetry(now: now) && !closing { return nil }
        var batch = Batch()
        for (runId, run) in runs {
            let progressDue = run.progressDirty && (closing || now >= run.lastWrite &+ progressInterval)
            let writeRecord = run.recordDirty || progressDue || run.rowId == nil
            let linesDue = !run.pending.isEmpty
            guard writeRecord || linesDue else { continue }
            var updated = run
            if writeRecord {
                updated.recordDirty = false
                updated.progressDirty = false
                updated.stepsDirty = false
                updated.lastWrite = now
            }
            updated.inFlight = run.pending.count
            runs[runId] = updated
            batch.runs.append(RunWrite(runId: runId, record: writeRecord ? run.record : nil, writeSteps: run.stepsDirty,
                                       lines: run.pending, rowId: run.rowId))
        }
        batch.runs.sort { ($0.record?.createdAt ?? .distantPast, $0.runId) < ($1.record?.createdAt ?? .distantPast, $1.runId) }
        batch.definitions = definitionOrder.compactMap { definitions[$0] }
        definitions = [:]
        definitionOrder = []
        batch.commands = commands
        commands = []
        batch.recover = recoveryPending
        batch.owned = Set(runs.keys)
        batch.probe = batch.isEmpty && !health.isHealthy
        guard !batch.isEmpty || batch.recover else { return nil }
        batch.generation = generation
        return batch
    }

    /// The next instant the writer must wake at by itself (a coalesced progress write, a retry).
    /// While it waits to retry, only the retry: nothing else is written before it.
    func nextDeadline(progressInterval: UInt64) -> UInt64? {
        if !health.isHealthy, let retryAt { return retryAt }
        var deadline: UInt64?
        for run in runs.values where run.progressDirty {
            let due = run.lastWrite &+ progressInterval
            deadline = deadline.map { min($0, due) } ?? due
        }
        return deadline
    }

    /// Records a committed batch: rows are known, written lines leave the mirror, settled runs go.
    mutating func committed(_ batch: Batch, rowIds: [RunID: Int64], since: Date, now: UInt64)
        -> [CheckedContinuation<SQLiteError?, Never>] {
        for write in batch.runs {
            if write.record != nil { recordWrites += 1 }
            guard var run = runs[write.runId] else { continue }
            if let rowId = rowIds[write.runId] { run.rowId = rowId }
            run.pending.removeFirst(min(run.inFlight, run.pending.count))
            backlog -= run.inFlight
            run.inFlight = 0
            if run.record.state.isFinal && run.lost > 0 { noteLostLines(&run, at: run.record.finishedAt ?? since) }
            runs[write.runId] = run.isSettled ? nil : run
        }
        // A corruption a read found meanwhile stands: the writer writes no more to that file.
        if !health.isHealthy && corruption == nil {
            health = JournalHealth(isHealthy: true, since: since)
            outageEnded(by: batch, now: now)
        }
        retryAt = nil
        committedGeneration = max(committedGeneration, batch.generation)
        return takeDurableWaiters(upTo: batch.generation)
    }

    /// Puts a failed batch back (a newer change of the same thing wins) and reports the journal
    /// unhealthy; every durability waiter is answered with the error.
    mutating func failed(_ batch: Batch, error: SQLiteError, file: JournalFileIdentity?, retryAt: UInt64, since: Date,
                         now: UInt64) -> [CheckedContinuation<SQLiteError?, Never>] {
        for write in batch.runs {
            guard var run = runs[write.runId] else { continue }
            if write.record != nil { run.recordDirty = true }
            if write.writeSteps { run.stepsDirty = true }
            run.inFlight = 0
            runs[write.runId] = run
        }
        for state in batch.definitions where definitions[state.jobId] == nil {
            definitions[state.jobId] = state
            definitionOrder.append(state.jobId)
        }
        markUnhealthy(error, file: file, since: since, now: now)
        self.retryAt = retryAt
        return takeDurableWaiters(upTo: .max)
    }

    private mutating func takeDurableWaiters(upTo generation: UInt64) -> [CheckedContinuation<SQLiteError?, Never>] {
        var taken: [CheckedContinuation<SQLiteError?, Never>] = []
        durableWaiters.removeAll { waiter in
            guard waiter.generation <= generation else { return false }
            taken.append(waiter.continuation)
            return true
        }
        return taken
    }

    /// Adds the note about lines dropped for lack of room (so a finished run with dropped lines
    /// still gets its note written, and then leaves the mirror).
    mutating func noteLostLines(_ run: inout OwnedRun, at time: Date) {
        let note = RunLogEntry(time: time, level: .warning, source: .system,
                               text: "[\(run.lost) log lines were dropped: the journal could not be written fast enough, or at all]")
        run.pending.append(run.limiter.force(note))
        backlog += 1
        run.lost = 0
        wake &+= 1
    }

    /// Takes the log followers of `runId`.
    mutating func takeLogWaiters(_ runId: RunID) -> [CheckedContinuation<Void, Never>] {
        let matching = logWaiters.filter { $0.value.runId == runId }
        for id in matching.keys { logWaiters.removeValue(forKey: id) }
        return matching.values.map(\.continuation)
    }
}

/// Work that needs the database inside the writer's transaction (a compare-and-set on a run this
/// process does not hold, recovery, retention).
struct JournalCommand: Sendable {
    /// Runs inside the transaction, with the runs this process owned when the batch was taken; a
    /// thrown error rolls the whole batch back.
    let body: @Sendable (SQLiteConnection, Set<RunID>) throws(SQLiteError) -> Void
    /// Runs under the state lock once the transaction committed (to update the mirror).
    let committed: @Sendable (inout JournalState) -> Void
    /// Runs once the batch committed (`nil`) or failed.
    let finished: @Sendable (SQLiteError?) -> Void
}
