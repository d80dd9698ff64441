#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJobs

extension SQLiteRunStore {
    /// See `RunStore/createRun(_:)`; returns once the record is committed.
    public func createRun(_ record: RunRecord) async throws(RunStoreError) {
        let record = record.journalRounded
        if (try? read({ connection throws(SQLiteError) in try JournalQueries.run(record.runId, on: connection) != nil })) == true {
            throw RunStoreError(.duplicateRun, runId: record.runId, message: "a run with this id exists")
        }
        let generation = try change { s throws(RunStoreError) -> UInt64 in
            guard s.runs[record.runId] == nil else {
                throw RunStoreError(.duplicateRun, runId: record.runId, message: "a run with this id exists")
            }
            s.runs[record.runId] = JournalState.OwnedRun(record: record, stepsDirty: !record.steps.isEmpty, limiter: limiter())
            s.generation &+= 1
            return s.generation
        }
        try await waitDurable(generation, record.runId)
    }

    /// See `RunStore/claimRun(_:startedAt:)`; returns once the `running` record is committed.
    public func claimRun(_ runId: RunID, startedAt: Date) async throws(RunStoreError) -> RunRecord {
        try await adoptIfNeeded(runId)
        let (record, generation) = try change { s throws(RunStoreError) -> (RunRecord, UInt64) in
            guard var run = s.runs[runId] else { throw Self.unknown(runId) }
            guard run.record.state == .queued else {
                throw RunStoreError(.conflict, runId: runId, message: "cannot claim a run that is \(run.record.state)")
            }
            run.record.state = .running
            run.record.startedAt = startedAt.journalRounded
            run.recordDirty = true
            s.runs[runId] = run
            s.generation &+= 1
            return (run.record, s.generation)
        }
        try await waitDurable(generation, runId)
        return record
    }

    /// See `RunStore/updateRun(_:)`; written with the next batch.
    public func updateRun(_ record: RunRecord) async throws(RunStoreError) {
        try await adoptIfNeeded(record.runId)
        let record = record.journalRounded
        try change { s throws(RunStoreError) in
            guard var run = s.runs[record.runId] else { throw Self.unknown(record.runId) }
            guard run.record.state.isActive else {
                throw RunStoreError(.conflict, runId: record.runId, message: "the run is already \(run.record.state)")
            }
            if run.record.steps != record.steps { run.stepsDirty = true }
            run.record = record
            run.recordDirty = true
            s.runs[record.runId] = run
        }
    }

    /// See `RunStore/updateProgress(_:_:)`; coalesced to one write per progress interval.
    public func updateProgress(_ runId: RunID, _ progress: RunProgress) async throws(RunStoreError) {
        let owned = try change { s throws(RunStoreError) -> Bool in
            guard var run = s.runs[runId] else { return false }
            guard run.record.state.isActive else { return true }
            run.record.progress = progress
            run.progressDirty = true
            s.runs[runId] = run
            return true
        }
        guard !owned else { return }
        let known = try read { connection throws(SQLiteError) in try JournalQueries.run(runId, on: connection) != nil }
        if !known { throw Self.unknown(runId) }
    }

    /// See `RunStore/finishRun(_:)`; returns once the final record is committed.
    public func finishRun(_ record: RunRecord) async throws(RunStoreError) {
        guard record.state.isFinal else {
            throw RunStoreError(.conflict, runId: record.runId, message: "finishing with the active state \(record.state)")
        }
        try await adoptIfNeeded(record.runId)
        let record = record.journalRounded
        let (generation, woken) = try change { s throws(RunStoreError) -> (UInt64, [CheckedContinuation<Void, Never>]) in
            guard var run = s.runs[record.runId] else { throw Self.unknown(record.runId) }
            guard run.record.state.isActive else {
                throw RunStoreError(.conflict, runId: record.runId, message: "the run is already \(run.record.state)")
            }
            if run.record.steps != record.steps { run.stepsDirty = true }
            if run.lost > 0 { s.noteLostLines(&run, at: record.finishedAt ?? Date()) }
            run.record = record
            run.recordDirty = true
            s.runs[record.runId] = run
            s.generation &+= 1
            return (s.generation, s.takeLogWaiters(record.runId))
        }
        for waiter in woken { waiter.resume() }
        try await waitDurable(generation, record.runId)
    }

    /// See `RunStore/markProceeded(_:by:)`: a compare-and-set in the writer's transaction.
    public func markProceeded(_ runId: RunID, by newRunId: RunID) async throws(RunStoreError) -> RunRecord {
        let outcome = try await command({ connection, _ throws(SQLiteError) -> Result<RunRecord, RunStoreError> in
            guard var record = try JournalQueries.run(runId, on: connection)?.record else { return .failure(Self.unknown(runId)) }
            guard record.state == .interrupted else {
                return .failure(RunStoreError(.conflict, runId: runId,
                                              message: "only an interrupted run can proceed; this one is \(record.state)"))
            }
            if let other = record.proceededBy {
                return .failure(RunStoreError(.conflict, runId: runId, message: "already proceeded by run \(other)"))
            }
            try connection.statement("UPDATE runs SET proceeded_by = ? WHERE run_id = ?").run([.text(newRunId.rawValue), .text(runId.rawValue)])
            record.proceededBy = newRunId
            return .success(record)
        }, committed: { outcome, s in
            if case .success = outcome { s.runs[runId]?.record.proceededBy = newRunId }
        })
        return try outcome.get()
    }

    /// See `RunStore/appendLog(_:_:)`; written with the next batch. Past the per-run cap one
    /// marker is written; when the lines waiting for the writer pass
    /// ``JournalOptions/backlogLines`` (the journal is down, or the disk cannot keep up), later
    /// lines are dropped, counted, and noted in the run's log once there is room.
    public func appendLog(_ runId: RunID, _ entries: [RunLogEntry]) async throws(RunStoreError) {
        guard !entries.isEmpty else { return }
        try await adoptIfNeeded(runId, includingEnded: true)  // a note after the end (a failed callback) is kept
        let woken = try change { s throws(RunStoreError) -> [CheckedContinuation<Void, Never>] in
            guard var run = s.runs[runId] else { throw Self.unknown(runId) }
            let entries = entries.map { entry in
                var rounded = entry
                rounded.time = entry.time.journalRounded
                return rounded
            }
            if s.backlog > 0 && s.backlog + entries.count > options.backlogLines {
                run.lost += entries.count
                s.droppedLines += entries.count
                if run.record.state.isFinal { s.noteLostLines(&run, at: entries[0].time) }  // nothing later would
                s.runs[runId] = run
                return []
            }
            if run.lost > 0 { s.noteLostLines(&run, at: entries[0].time) }
            let admitted = run.limiter.admit(entries)
            run.pending += admitted
            s.backlog += admitted.count
            s.runs[runId] = run
            return s.takeLogWaiters(runId)
        }
        for waiter in woken { waiter.resume() }
    }

    /// See `RunStore/recoverRuns(reason:at:)`. When the journal cannot be written now, the
    /// runs left running are marked crashed as soon as it can (the queued ones then wait for the
    /// next start).
    public func recoverRuns(reason: String, at instant: Date) async throws(RunStoreError) -> RunRecovery {
        do throws(RunStoreError) {
            let found = try await command({ connection, owned throws(SQLiteError) -> RecoveredRuns in
                let crashed = try JournalRecovery.crashRunning(on: connection, except: owned, reason: reason, at: instant)
                var queued: [RecoveredRuns.Queued] = []
                for (id, record) in try JournalRecovery.queued(on: connection, except: owned) {
                    let size = try JournalQueries.logSize(id, on: connection)
                    let full = try JournalQueries.run(record.runId, on: connection)?.record ?? record
                    queued.append(RecoveredRuns.Queued(rowId: id, record: full, lines: size.lines, bytes: size.bytes))
                }
                return RecoveredRuns(crashed: crashed, queued: queued)
            }, committed: { [self] found, s in
                s.recoveryPending = false
                for entry in found.queued where s.runs[entry.record.runId] == nil {
                    var run = JournalState.OwnedRun(record: entry.record, stepsDirty: false,
                                                    limiter: limiter(lines: entry.lines, bytes: entry.bytes))
                    run.recordDirty = false
                    run.rowId = entry.rowId
                    s.runs[entry.record.runId] = run
                }
            })
            return RunRecovery(crashed: found.crashed, queued: found.queued.map { $0.record })
        } catch {
            try? change { $0.recoveryPending = true }
            throw error
        }
    }

    /// See `RunStore/saveDefinitionState(_:)`; returns once it is committed.
    public func saveDefinitionState(_ definitionState: JobDefinitionState) async throws(RunStoreError) {
        let generation = try change { s throws(RunStoreError) -> UInt64 in
            if s.definitions.updateValue(definitionState, forKey: definitionState.jobId) == nil {
                s.definitionOrder.append(definitionState.jobId)
            }
            s.generation &+= 1
            return s.generation
        }
        try await waitDurable(generation, nil)
    }

    // MARK: Helpers

    /// Takes a run this process does not hold yet (one a previous instance left active) into the
    /// mirror, so changes to it follow the same path.
    /// Ended runs are taken only with `includingEnded` (to write lines after their end; they leave
    /// again once those are written); otherwise they are a `conflict`.
    func adoptIfNeeded(_ runId: RunID, includingEnded: Bool = false) async throws(RunStoreError) {
        guard state.withLock({ $0.runs[runId] == nil }) else { return }
        let found = try read { connection throws(SQLiteError) -> (Int64, RunRecord, (lines: Int, bytes: Int))? in
            guard let (id, record) = try JournalQueries.run(runId, on: connection) else { return nil }
            return (id, record, try JournalQueries.logSize(id, on: connection))
        }
        guard let (id, record, size) = found else { throw Self.unknown(runId) }
        guard record.state.isActive || includingEnded else {
            throw RunStoreError(.conflict, runId: runId, message: "the run is already \(record.state)")
        }
        try change { s throws(RunStoreError) in
            guard s.runs[runId] == nil else { return }
            var run = JournalState.OwnedRun(record: record, stepsDirty: false, limiter: limiter(lines: size.lines, bytes: size.bytes))
            run.recordDirty = false
            run.rowId = id
            s.runs[runId] = run
        }
    }
}

/// What recovery found in the file.
struct RecoveredRuns: Sendable {
    struct Queued: Sendable {
        let rowId: Int64
        let record: RunRecord
        let lines: Int
        let bytes: Int
    }

    let crashed: [RunRecord]
    let queued: [Queued]
}
