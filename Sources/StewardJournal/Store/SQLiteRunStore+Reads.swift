#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJobs

extension SQLiteRunStore {
    /// See `RunStore/run(_:)`: from memory for a run this process owns, else from the file.
    public func run(_ runId: RunID) async throws(RunStoreError) -> RunRecord? {
        if let owned = state.withLock({ $0.runs[runId]?.record }) { return owned }
        return try read { connection throws(SQLiteError) in try JournalQueries.run(runId, on: connection)?.record }
    }

    /// See `RunStore/runs(_:)`: the file's runs, with the ones this process owns as they are
    /// now. While the file cannot be read, only the owned runs.
    public func runs(_ query: RunQuery) async throws(RunStoreError) -> [RunRecord] {
        var owned = state.withLock { s in Array(s.runs.values.map(\.record)) }
        if let before = query.before {
            // The cursor's place in the newest-first order; owned runs after it only.
            guard let cursor = try await run(before) else { return [] }
            owned = owned.filter { $0.createdAt < cursor.createdAt || ($0.createdAt == cursor.createdAt && $0.runId.rawValue < cursor.runId.rawValue) }
        }
        let ownedIds = Set(owned.map(\.runId))
        var widened = query
        widened.limit = query.limit.map { $0 + ownedIds.count }
        let stored: [RunRecord]
        do throws(RunStoreError) {
            stored = try read { connection throws(SQLiteError) in try JournalQueries.runs(widened, on: connection) }
        } catch {
            stored = []
        }
        var merged = stored.enumerated().filter { !ownedIds.contains($0.element.runId) }.map { (order: $0.offset, record: $0.element) }
        merged += owned.filter(query.matches).map { (order: -1, record: $0) }
        merged.sort { a, b in
            if a.record.createdAt != b.record.createdAt { return a.record.createdAt > b.record.createdAt }
            if a.order != b.order { return a.order < b.order }
            return a.record.runId > b.record.runId
        }
        let records = merged.map(\.record)
        return query.limit.map { Array(records.prefix(max(0, $0))) } ?? records
    }

    /// See `RunStore/runIds(startingWith:limit:)`: the runs this process owns and the file's.
    public func runIds(startingWith prefix: String, limit: Int) async throws(RunStoreError) -> [RunID] {
        var ids = Set(state.withLock { s in s.runs.keys.filter { $0.rawValue.hasPrefix(prefix) } })
        ids.formUnion(try read { connection throws(SQLiteError) in try JournalQueries.runIds(startingWith: prefix, limit: limit, on: connection) })
        return Array(ids.sorted().prefix(limit))
    }

    /// See `RunStore/runCounts(_:)`: one indexed count of the file, corrected for the runs this
    /// process owns (counted as they are now, not as the file has them yet).
    public func runCounts(_ query: RunQuery) async throws(RunStoreError) -> [RunState: Int] {
        let owned = state.withLock { s in Array(s.runs.values.map(\.record)) }
        return try read { connection throws(SQLiteError) -> [RunState: Int] in
            try connection.readTransaction { () throws(SQLiteError) -> [RunState: Int] in
                var counts = try JournalQueries.runCounts(query, on: connection)
                for record in owned {
                    if let stored = try JournalQueries.run(record.runId, on: connection)?.record, query.matches(stored) {
                        counts[stored.state, default: 0] -= 1
                    }
                    if query.matches(record) { counts[record.state, default: 0] += 1 }
                }
                return counts.filter { $0.value > 0 }
            }
        }
    }

    /// See `RunStore/readLog(_:from:limit:)`: committed lines from the file, then the ones
    /// still on their way to it.
    public func readLog(_ runId: RunID, from offset: Int, limit: Int?) async throws(RunStoreError) -> RunLogPage {
        let offset = max(0, offset)
        let owned = state.withLock { s in
            s.runs[runId].map { (rowId: $0.rowId, pending: $0.pending, lineCount: $0.limiter.lineCount, isFinal: $0.record.state.isFinal) }
        }
        guard let owned else {
            let page = try read { connection throws(SQLiteError) in try JournalQueries.page(runId, from: offset, limit: limit, on: connection) }
            guard let page else { throw Self.unknown(runId) }
            return page
        }
        // Every line below the first pending one is committed (lines leave `pending` only then).
        let committedEnd = owned.pending.first?.offset ?? owned.lineCount
        var lines: [RunLogLine] = []
        if offset < committedEnd, let rowId = owned.rowId {
            lines = try read { connection throws(SQLiteError) in
                try JournalQueries.lines(rowId, from: offset, below: committedEnd, limit: limit, on: connection)
            }
        }
        let remaining = limit.map { max(0, $0 - lines.count) } ?? .max
        let from = lines.last.map { $0.offset + 1 } ?? offset
        lines += owned.pending.lazy.filter { $0.offset >= from }.prefix(remaining)
        let next = lines.last.map { $0.offset + 1 } ?? offset
        return RunLogPage(lines: lines, nextOffset: next, isComplete: owned.isFinal && next >= owned.lineCount)
    }

    /// See `RunStore/followLog(_:from:)`: woken by each append and by the run's end.
    public func followLog(_ runId: RunID, from offset: Int) -> RunLogFollow {
        RunLogFollow(from: offset,
                     read: { [self] (cursor: Int) throws(RunStoreError) -> RunLogPage in
                         try await readLog(runId, from: cursor, limit: 1000)
                     },
                     waitForMore: { [self] cursor in await waitForLog(runId, beyond: cursor) })
    }

    /// Returns once the run's log has a line at `offset` or the run is final, or when the task is
    /// cancelled. A run this process does not own is looked at again after a short pause.
    private func waitForLog(_ runId: RunID, beyond offset: Int) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter &+= 1
            return s.nextWaiter
        }
        var owned = true
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if Task.isCancelled { return true }
                    guard let run = s.runs[runId] else {
                        owned = false
                        return true
                    }
                    if run.limiter.lineCount > offset || run.record.state.isFinal { return true }
                    s.logWaiters[id] = (runId, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.logWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
        if !owned { try? await Task.sleep(for: .milliseconds(250)) }
    }

    /// See `RunStore/definitionState(_:)`. The last fired instant is never earlier than the
    /// latest fire a durable run records, so a fire whose run was written just before a crash is
    /// not fired again even if its state write was lost.
    public func definitionState(_ jobId: JobID) async throws(RunStoreError) -> JobDefinitionState? {
        if let pending = state.withLock({ $0.definitions[jobId] }) { return pending }
        return try read { connection throws(SQLiteError) in try JournalQueries.definitionState(jobId, on: connection) }
    }
}
