#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import Synchronization

/// A ``RunStore`` in memory: for tests, for embedding without a journal, and as the reference
/// behaviour of the protocol. Thread-safe; log following is event-driven.
///
/// Each run's log is capped by bytes (UTF-8 of the texts) and by lines: the entry that would
/// cross a limit is replaced by one truncation marker (source `system`, level `warning`) and
/// every later entry is dropped and counted (``droppedLogLines(_:)``).
public final class InMemoryRunStore: RunStore {
    /// The largest total of text bytes kept per run's log. Default 1 MiB.
    public let maximumLogBytes: Int
    /// The most lines kept per run's log (the marker aside). Default 100,000.
    public let maximumLogLines: Int
    /// The most ended runs kept per job (with their logs); older ones are forgotten, so a job
    /// firing every second does not grow memory without bound. Active runs are always kept.
    /// Default 1,000.
    public let maximumEndedRunsPerJob: Int

    private struct Log {
        var lines: [RunLogLine] = []
        var limiter: RunLogLimiter
    }

    private struct Waiter {
        let runId: RunID
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var records: [RunID: RunRecord] = [:]
        /// Every run id in creation order; forgotten ids linger until ``compact`` drops them.
        var order: [RunID] = []
        /// Per job, its ended runs in the order they ended (oldest first), for the retention cap.
        var ended: [JobID: Deque] = [:]
        var logs: [RunID: Log] = [:]
        var definitions: [JobID: JobDefinitionState] = [:]
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())
    /// The operator actions recorded (``AuditLog``).
    let audit = InMemoryAuditLog()

    /// Creates an empty store.
    public init(maximumLogBytes: Int = 1 << 20, maximumLogLines: Int = 100_000, maximumEndedRunsPerJob: Int = 1000) {
        self.maximumLogBytes = max(0, maximumLogBytes)
        self.maximumLogLines = max(0, maximumLogLines)
        self.maximumEndedRunsPerJob = max(1, maximumEndedRunsPerJob)
    }

    /// Counts `record`'s run as ended and forgets its job's oldest ended runs beyond
    /// ``maximumEndedRunsPerJob`` (amortized constant time: `order` is compacted only once it
    /// holds as many forgotten ids as live ones).
    private func ended(_ record: RunRecord, in s: inout State) {
        s.ended[record.jobId, default: Deque()].append(record.runId)
        while s.ended[record.jobId]!.count > maximumEndedRunsPerJob, let forgotten = s.ended[record.jobId]!.popFirst() {
            s.records.removeValue(forKey: forgotten)
            s.logs.removeValue(forKey: forgotten)
        }
        if s.order.count > 64 && s.order.count > 2 * s.records.count {
            s.order.removeAll { s.records[$0] == nil }
        }
    }

    /// A queue of run ids with O(1) appends and removals at the front.
    struct Deque {
        private var items: [RunID] = []
        private var head = 0

        var count: Int { items.count - head }

        mutating func append(_ runId: RunID) { items.append(runId) }

        mutating func popFirst() -> RunID? {
            guard head < items.count else { return nil }
            defer {
                head += 1
                if head > 64 && head * 2 > items.count {
                    items.removeFirst(head)
                    head = 0
                }
            }
            return items[head]
        }
    }

    /// See ``RunStore/createRun(_:)``.
    public func createRun(_ record: RunRecord) async throws(RunStoreError) {
        try state.withLock { s throws(RunStoreError) in
            guard s.records[record.runId] == nil else {
                throw RunStoreError(.duplicateRun, runId: record.runId, message: "a run with this id exists")
            }
            s.records[record.runId] = record
            s.order.append(record.runId)
            s.logs[record.runId] = Log(limiter: RunLogLimiter(maximumBytes: maximumLogBytes, maximumLines: maximumLogLines))
            if record.state.isFinal { ended(record, in: &s) }
        }
    }

    /// See ``RunStore/claimRun(_:startedAt:)``.
    public func claimRun(_ runId: RunID, startedAt: Date) async throws(RunStoreError) -> RunRecord {
        try state.withLock { s throws(RunStoreError) in
            guard var record = s.records[runId] else { throw Self.unknown(runId) }
            guard record.state == .queued else {
                throw RunStoreError(.conflict, runId: runId, message: "cannot claim a run that is \(record.state)")
            }
            record.state = .running
            record.startedAt = startedAt
            s.records[runId] = record
            return record
        }
    }

    /// See ``RunStore/updateRun(_:)``.
    public func updateRun(_ record: RunRecord) async throws(RunStoreError) {
        try state.withLock { s throws(RunStoreError) in
            guard let stored = s.records[record.runId] else { throw Self.unknown(record.runId) }
            guard stored.state.isActive else {
                throw RunStoreError(.conflict, runId: record.runId, message: "the run is already \(stored.state)")
            }
            s.records[record.runId] = record
        }
    }

    /// See ``RunStore/updateProgress(_:_:)``.
    public func updateProgress(_ runId: RunID, _ progress: RunProgress) async throws(RunStoreError) {
        try state.withLock { s throws(RunStoreError) in
            guard let stored = s.records[runId] else { throw Self.unknown(runId) }
            guard stored.state.isActive else { return }
            s.records[runId]?.progress = progress
        }
    }

    /// See ``RunStore/finishRun(_:)``.
    public func finishRun(_ record: RunRecord) async throws(RunStoreError) {
        let woken = try state.withLock { s throws(RunStoreError) -> [CheckedContinuation<Void, Never>] in
            guard record.state.isFinal else {
                throw RunStoreError(.conflict, runId: record.runId, message: "finishing with the active state \(record.state)")
            }
            guard let stored = s.records[record.runId] else { throw Self.unknown(record.runId) }
            guard stored.state.isActive else {
                throw RunStoreError(.conflict, runId: record.runId, message: "the run is already \(stored.state)")
            }
            s.records[record.runId] = record
            let woken = Self.takeWaiters(for: record.runId, in: &s)
            ended(record, in: &s)
            return woken
        }
        for waiter in woken { waiter.resume() }
    }

    /// See ``RunStore/markProceeded(_:by:)``.
    public func markProceeded(_ runId: RunID, by newRunId: RunID) async throws(RunStoreError) -> RunRecord {
        try state.withLock { s throws(RunStoreError) in
            guard var record = s.records[runId] else { throw Self.unknown(runId) }
            guard record.state == .interrupted else {
                throw RunStoreError(.conflict, runId: runId, message: "only an interrupted run can proceed; this one is \(record.state)")
            }
            if let other = record.proceededBy {
                throw RunStoreError(.conflict, runId: runId, message: "already proceeded by run \(other)")
            }
            record.proceededBy = newRunId
            s.records[runId] = record
            return record
        }
    }

    /// See ``RunStore/appendLog(_:_:)``; lines past the caps are dropped after one marker.
    public func appendLog(_ runId: RunID, _ entries: [RunLogEntry]) async throws(RunStoreError) {
        let woken = try state.withLock { s throws(RunStoreError) -> [CheckedContinuation<Void, Never>] in
            guard s.logs[runId] != nil else { throw Self.unknown(runId) }
            let admitted = s.logs[runId]!.limiter.admit(entries)
            s.logs[runId]!.lines += admitted
            return Self.takeWaiters(for: runId, in: &s)
        }
        for waiter in woken { waiter.resume() }
    }

    /// See ``RunStore/run(_:)``.
    public func run(_ runId: RunID) async throws(RunStoreError) -> RunRecord? {
        state.withLock { $0.records[runId] }
    }

    /// See ``RunStore/runs(_:)``.
    public func runs(_ query: RunQuery) async throws(RunStoreError) -> [RunRecord] {
        state.withLock { s in
            var result: [RunRecord] = []
            var reachedCursor = query.before == nil
            for runId in s.order.reversed() {
                if let limit = query.limit, result.count >= limit { break }
                guard reachedCursor else {
                    reachedCursor = runId == query.before
                    continue
                }
                if let record = s.records[runId], query.matches(record) { result.append(record) }
            }
            return result
        }
    }

    /// See ``RunStore/readLog(_:from:limit:)``.
    public func readLog(_ runId: RunID, from offset: Int, limit: Int?) async throws(RunStoreError) -> RunLogPage {
        try readPage(runId, from: offset, limit: limit)
    }

    private func readPage(_ runId: RunID, from offset: Int, limit: Int?) throws(RunStoreError) -> RunLogPage {
        try state.withLock { s throws(RunStoreError) in
            guard let log = s.logs[runId], let record = s.records[runId] else { throw Self.unknown(runId) }
            let start = min(max(0, offset), log.lines.count)
            let end = limit.map { min(log.lines.count, start + max(0, $0)) } ?? log.lines.count
            let lines = Array(log.lines[start..<end])
            return RunLogPage(lines: lines, nextOffset: end, isComplete: record.state.isFinal && end >= log.lines.count)
        }
    }

    /// See ``RunStore/followLog(_:from:)``; wakes on each append and on the run's end.
    public func followLog(_ runId: RunID, from offset: Int) -> RunLogFollow {
        RunLogFollow(from: offset,
                     read: { [self] (cursor: Int) throws(RunStoreError) -> RunLogPage in
                         try readPage(runId, from: cursor, limit: 1000)
                     },
                     waitForMore: { [self] cursor in await waitForLog(runId, beyond: cursor) })
    }

    /// Returns once the run's log has a line at `offset` or the run is final (at once if so
    /// already), or when the task is cancelled.
    private func waitForLog(_ runId: RunID, beyond offset: Int) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if Task.isCancelled { return true }
                    if (s.logs[runId]?.lines.count ?? 0) > offset { return true }
                    if s.records[runId]?.state.isFinal ?? true { return true }
                    s.waiters[id] = Waiter(runId: runId, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    /// See ``RunStore/recoverRuns(reason:at:)``.
    public func recoverRuns(reason: String, at instant: Date) async throws(RunStoreError) -> RunRecovery {
        let (recovery, woken) = state.withLock { s -> (RunRecovery, [CheckedContinuation<Void, Never>]) in
            var recovery = RunRecovery()
            var woken: [CheckedContinuation<Void, Never>] = []
            for runId in s.order {
                guard var record = s.records[runId] else { continue }
                if record.state == .queued {
                    recovery.queued.append(record)
                    continue
                }
                guard record.state == .running else { continue }
                record.state = .crashed
                record.error = reason
                record.finishedAt = instant
                s.records[runId] = record
                recovery.crashed.append(record)
                ended(record, in: &s)
                woken += Self.takeWaiters(for: runId, in: &s)
            }
            return (recovery, woken)
        }
        for waiter in woken { waiter.resume() }
        return recovery
    }

    /// See ``RunStore/definitionState(_:)``.
    public func definitionState(_ jobId: JobID) async throws(RunStoreError) -> JobDefinitionState? {
        state.withLock { $0.definitions[jobId] }
    }

    /// See ``RunStore/saveDefinitionState(_:)``.
    public func saveDefinitionState(_ definitionState: JobDefinitionState) async throws(RunStoreError) {
        state.withLock { $0.definitions[definitionState.jobId] = definitionState }
    }

    /// How many lines of a run's log were dropped past the cap (0 for an unknown run).
    public func droppedLogLines(_ runId: RunID) -> Int {
        state.withLock { $0.logs[runId]?.limiter.droppedCount ?? 0 }
    }

    /// Every record, oldest first (a snapshot, for tests and diagnostics).
    public var allRuns: [RunRecord] {
        state.withLock { s in s.order.compactMap { s.records[$0] } }
    }

    private static func unknown(_ runId: RunID) -> RunStoreError {
        RunStoreError(.unknownRun, runId: runId, message: "no such run")
    }

    private static func takeWaiters(for runId: RunID, in s: inout State) -> [CheckedContinuation<Void, Never>] {
        let matching = s.waiters.filter { $0.value.runId == runId }
        for id in matching.keys { s.waiters.removeValue(forKey: id) }
        return matching.values.map(\.continuation)
    }
}

extension InMemoryRunStore: AuditLog {
    /// Records `entry` in the store's audit (the newest 10,000 are kept).
    public func recordAudit(_ entry: AuditEntry) async throws(RunStoreError) {
        try await audit.recordAudit(entry)
    }

    /// The newest `limit` audit entries, newest first.
    public func auditEntries(limit: Int) async throws(RunStoreError) -> [AuditEntry] {
        try await audit.auditEntries(limit: limit)
    }
}
