#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

/// `RunStore`: runs written by this node, each call one transaction on the write connection.
extension PostgresRunStore: RunStore {
    /// Makes a new run durable, in the record's state, with its steps (a queued run is announced
    /// to the other nodes).
    /// - Throws: `duplicateRun` if the id exists; `conflict` if the record is a schedule fire whose
    ///   job and instant already have a run, or an automatic retry of a run already retried
    ///   (another node made it); `unavailable`.
    public func createRun(_ record: RunRecord) async throws(RunStoreError) {
        let node = node
        let lease = options.lease.milliseconds
        try await write(record.runId, refine: { Self.uniqueRefusal($0, record, as: .conflict) }) { session throws(PostgresError) in
            if record.steps.isEmpty {
                _ = try Self.insert(record, claim: false, skipping: nil, node: node, lease: lease, session)
            } else {
                try session.transaction { session throws(PostgresError) in
                    _ = try Self.insert(record, claim: false, skipping: nil, node: node, lease: lease, session)
                }
            }
        }
        if record.state.isActive { startLog(record.runId) }
        if record.state == .queued { announceLocally(.runsChanged) }
    }

    /// Moves a `queued` run to `running` on this node, setting `startedAt` and a lease, and bumps
    /// its claim epoch; returns the updated record.
    /// - Throws: `conflict` if the run is not `queued`; `unknownRun`; `unavailable`.
    public func claimRun(_ runId: RunID, startedAt: Date) async throws(RunStoreError) -> RunRecord {
        let node = node
        let lease = options.lease.milliseconds
        let claimed = try await write(runId) { session throws(PostgresError) -> PostgresRunRow.Selected? in
            let rows = try session.query("""
                UPDATE steward.runs r SET state = 'running', started_at = $2, node = $3, claim_epoch = r.claim_epoch + 1,
                    lease_expires_at = steward.now_ms() + $4, stop_requested = false
                WHERE r.run_id = $1 AND r.state = 'queued' RETURNING \(PostgresRunRow.selection)
                """, [.text(runId.rawValue), .integer(startedAt.milliseconds), .text(node), .integer(lease)])
            return Self.selected(rows).first
        }
        guard let claimed else { throw try await refusal(runId, doing: "claim") }
        claims.withLock { $0[runId] = claimed.claimEpoch }
        return claimed.record
    }

    /// Replaces the record of an active run (steps, progress, …): a queued run, or one running
    /// under this node's claim.
    /// - Throws: `conflict` if the stored run is final or another node's; `unknownRun`; `unavailable`.
    public func updateRun(_ record: RunRecord) async throws(RunStoreError) {
        let fence = self.fence(record.runId)
        let updated = try await write(record.runId) { session throws(PostgresError) -> Bool in
            try session.transaction { session throws(PostgresError) -> Bool in
                let count = PostgresRunRow.columns.count
                let rows = try session.query("""
                    UPDATE steward.runs SET \(PostgresRunRow.assignments)
                    WHERE run_id = $1 AND (state = 'queued' OR (state = 'running' AND node = $\(count + 1) AND claim_epoch = $\(count + 2)))
                    RETURNING id
                    """, PostgresRunRow.values(record) + fence)
                guard let rowId = rows.int64(0, 0) else { return false }
                try Self.writeSteps(record.steps, rowId, session)
                return true
            }
        }
        guard updated else { throw try await refusal(record.runId, doing: "update") }
    }

    /// Records an active run's progress, coalesced: at most one write per
    /// ``PostgresJournalOptions/progressInterval`` per run, the latest value winning.
    /// - Throws: `unknownRun`; `unavailable`. Progress of a final run is ignored.
    public func updateProgress(_ runId: RunID, _ progress: RunProgress) async throws(RunStoreError) {
        switch self.progress.report(runId, progress) {
        case .wait:
            return
        case .flush(let delay):
            spawn { [self] in
                try? await Task.sleep(for: .nanoseconds(Int64(clamping: delay)))
                guard let pending = self.progress.takePending(runId) else { return }
                _ = try? await writeProgress(runId, pending)
            }
        case .write:
            guard try await writeProgress(runId, progress) else {
                self.progress.forget(runId)
                let known = try await read(runId) { session throws(PostgresError) in
                    try session.query("SELECT 1 FROM steward.runs WHERE run_id = $1", [.text(runId.rawValue)]).rows.count == 1
                }
                if !known { throw RunStoreError(.unknownRun, runId: runId, message: "no run with this id") }
                return
            }
        }
    }

    /// Writes a progress value to an active run (not one running on another node); whether it did.
    private func writeProgress(_ runId: RunID, _ progress: RunProgress) async throws(RunStoreError) -> Bool {
        let node = node
        return try await write(runId) { session throws(PostgresError) -> Bool in
            try session.query("""
                UPDATE steward.runs SET progress_fraction = $2, progress_message = $3
                WHERE run_id = $1 AND (state = 'queued' OR (state = 'running' AND node = $4))
                """, [.text(runId.rawValue), progress.fraction.map(PostgresValue.double) ?? .null, .text(progress.message),
                      .text(node)]).affected == 1
        }
    }

    /// Writes a run's final record (its state must be final). A queued run may be finished by any
    /// node; a running one only by the node that claimed it, under the epoch it claimed.
    /// - Throws: `conflict` if the run is final already or no longer this node's claim (rescued
    ///   while this node was unresponsive, or claimed again elsewhere): the message says which;
    ///   `unknownRun`; `unavailable`.
    public func finishRun(_ record: RunRecord) async throws(RunStoreError) {
        guard record.state.isFinal else {
            throw RunStoreError(.conflict, runId: record.runId, message: "finishing with the active state \(record.state)")
        }
        progress.forget(record.runId)
        let fence = self.fence(record.runId)
        let finished = try await write(record.runId) { session throws(PostgresError) -> Bool in
            // One statement: the fenced update, whether the run had steps, and the notification
            // (only when a queued run of the job may now be claimed).
            let count = PostgresRunRow.columns.count
            let finish = { (session: PostgresSession) throws(PostgresError) -> Bool in
                let updated = try session.query("""
                    WITH r AS (
                        UPDATE steward.runs SET \(PostgresRunRow.assignments), lease_expires_at = NULL, stop_requested = false
                        WHERE run_id = $1 AND (state = 'queued'
                            OR (state = 'running' AND node = $\(count + 1) AND claim_epoch = $\(count + 2)))
                        RETURNING id)
                    SELECT r.id, EXISTS (SELECT 1 FROM steward.run_steps s WHERE s.run = r.id),
                        CASE WHEN EXISTS (SELECT 1 FROM steward.runs q WHERE q.job_id = $2 AND q.state = 'queued')
                            THEN pg_notify('steward_runs', $\(count + 1)) END
                    FROM r
                    """, PostgresRunRow.values(record) + fence)
                guard let rowId = updated.int64(0, 0) else { return false }
                if !record.steps.isEmpty || updated.bool(0, 1) == true { try Self.writeSteps(record.steps, rowId, session) }
                return true
            }
            return record.steps.isEmpty ? try finish(session) : try session.transaction(finish)
        }
        guard finished else {
            let epoch = claims.withLock { $0.removeValue(forKey: record.runId) }
            throw try await refusal(record.runId, doing: "finish", epoch: epoch)
        }
        claims.withLock { _ = $0.removeValue(forKey: record.runId) }
        reportedStops.withLock { _ = $0.remove(record.runId) }
        limiters.withLock { _ = $0.removeValue(forKey: record.runId) }
        announceLocally(.runsChanged)
    }

    /// Marks an `interrupted` run as continued by `newRunId`, atomically across nodes.
    /// - Throws: `conflict` if the run is not `interrupted` or already proceeded; `unknownRun`; `unavailable`.
    public func markProceeded(_ runId: RunID, by newRunId: RunID) async throws(RunStoreError) -> RunRecord {
        let updated = try await write(runId) { session throws(PostgresError) -> RunRecord? in
            let rows = try session.query("""
                UPDATE steward.runs r SET proceeded_by = $2 WHERE r.run_id = $1 AND r.state = 'interrupted' AND r.proceeded_by IS NULL
                RETURNING \(PostgresRunRow.selection)
                """, [.text(runId.rawValue), .text(newRunId.rawValue)])
            return Self.selected(rows).first?.record
        }
        if let updated { return updated }
        guard let current = try await run(runId) else { throw RunStoreError(.unknownRun, runId: runId, message: "no run with this id") }
        if let other = current.proceededBy {
            throw RunStoreError(.conflict, runId: runId, message: "already proceeded by run \(other)")
        }
        throw RunStoreError(.conflict, runId: runId, message: "only an interrupted run can proceed; this one is \(current.state)")
    }

    /// Recovers what a previous instance *of this node* left: its `running` runs become `crashed`
    /// with `reason`, finished at `instant`. Another node's runs are never touched (they are
    /// rescued by lease, ``rescue()``), and queued runs are not handed back (`queued` is empty):
    /// in a shared journal any node claims them (``claim(_:limit:)``).
    public func recoverRuns(reason: String, at instant: Date) async throws(RunStoreError) -> RunRecovery {
        RunRecovery(crashed: try await crashOwnRuns(reason: reason, at: instant.milliseconds))
    }

    /// Crashes this node's running runs (at `milliseconds`, or the database's now when `nil`), in
    /// one statement; returns them.
    func crashOwnRuns(reason: String, at milliseconds: Int64?) async throws(RunStoreError) -> [RunRecord] {
        let node = node
        let crashed = try await write(nil) { session throws(PostgresError) -> [RunRecord] in
            try session.transaction { session throws(PostgresError) -> [RunRecord] in
                let rows = try session.query("""
                    UPDATE steward.runs r SET state = 'crashed', error = $2, finished_at = coalesce($3, steward.now_ms()),
                        lease_expires_at = NULL, stop_requested = false, claim_epoch = r.claim_epoch + 1
                    WHERE r.node = $1 AND r.state = 'running' RETURNING \(PostgresRunRow.selection)
                    """, [.text(node), .text(reason), .integer(milliseconds)])
                if !rows.rows.isEmpty { try Self.notify(PostgresChannel.runs, node, session) }
                return Self.selected(rows).map(\.record).sorted { $0.createdAt < $1.createdAt }
            }
        }
        claims.withLock { claims in for record in crashed { claims.removeValue(forKey: record.runId) } }
        return crashed
    }

    /// A definition's persisted state, its last fired instant raised to the latest schedule fire
    /// a run records (any node's); `nil` when neither exists.
    public func definitionState(_ jobId: JobID) async throws(RunStoreError) -> JobDefinitionState? {
        try await read(nil) { session throws(PostgresError) -> JobDefinitionState? in
            let rows = try session.query("""
                SELECT s.enabled, s.last_fired, (SELECT max(scheduled_for) FROM steward.runs WHERE job_id = $1 AND trigger = 'schedule'),
                       s.job_id IS NOT NULL, s.schedule_override, s.revision
                FROM (SELECT 1) AS one LEFT JOIN steward.job_state s ON s.job_id = $1
                """, [.text(jobId.rawValue)])
            let saved = rows.int64(0, 1)
            let fired = rows.int64(0, 2)
            guard rows.bool(0, 3) == true || fired != nil else { return nil }
            return JobDefinitionState(jobId: jobId, isEnabled: rows.bool(0, 0), lastFired: [saved, fired].compactMap { $0 }.max().map(Date.init(milliseconds:)),
                                      scheduleOverride: rows.text(0, 4).flatMap(ScheduleOverride.init(jsonText:)), revision: rows.text(0, 5))
        }
    }

    /// Saves a definition's state and tells the other nodes (`SharedStoreEvent/jobChanged(_:)`).
    /// The last fired instant never goes back (two nodes saving at once keep the later).
    public func saveDefinitionState(_ state: JobDefinitionState) async throws(RunStoreError) {
        let node = node
        try await write(nil) { session throws(PostgresError) in
            try session.transaction { session throws(PostgresError) in
                try session.query("""
                    INSERT INTO steward.job_state (job_id, enabled, last_fired, schedule_override, revision, updated_at, updated_by)
                    VALUES ($1, $2, $3, $4, $5, steward.now_ms(), $6)
                    ON CONFLICT (job_id) DO UPDATE SET enabled = excluded.enabled,
                        last_fired = greatest(steward.job_state.last_fired, excluded.last_fired),
                        schedule_override = excluded.schedule_override, revision = excluded.revision,
                        updated_at = excluded.updated_at, updated_by = excluded.updated_by
                    """, [.text(state.jobId.rawValue), state.isEnabled.map(PostgresValue.boolean) ?? .null,
                          .integer(state.lastFired?.milliseconds), .text(state.scheduleOverride?.jsonText), .text(state.revision),
                          .text(node)])
                try Self.notify(PostgresChannel.jobs, node + "\t" + state.jobId.rawValue, session)
            }
        }
    }

    // MARK: Helpers

    /// The fence parameters of a write to a running run: this node and the epoch it claimed.
    func fence(_ runId: RunID) -> [PostgresValue] {
        [.text(node), .integer(claims.withLock { $0[runId] }.map(Int64.init))]
    }

    /// A unique key's refusal as the error `kind` (`conflict` for `createRun`), or `duplicateRun`
    /// for an id; `nil` for anything else.
    static func uniqueRefusal(_ error: PostgresError, _ record: RunRecord, as kind: RunStoreError.Kind) -> RunStoreError? {
        guard error.isUniqueViolation else { return nil }
        if let text = duplicateText(error, record) { return RunStoreError(kind, runId: record.runId, message: text) }
        return RunStoreError(.duplicateRun, runId: record.runId, message: "a run with this id exists")
    }

    /// What a unique violation of the fire key or the retry key means, for people; `nil` for another constraint.
    static func duplicateText(_ error: PostgresError, _ record: RunRecord) -> String? {
        switch error.constraint {
        case "runs_one_per_fire":
            let instant = record.scheduledFor.map { "\($0.milliseconds)" } ?? "?"
            return "job \(record.jobId)'s fire at \(instant) ms is already a run (fired by another node)"
        case "runs_one_retry":
            return "run \(record.retryOf?.rawValue ?? "?") is already retried (by another node)"
        default:
            return nil
        }
    }

    /// Why a compare-and-set changed nothing: `unknownRun`, or `conflict` naming the run's state
    /// and holder.
    func refusal(_ runId: RunID, doing action: String, epoch: Int? = nil) async throws(RunStoreError) -> RunStoreError {
        guard let current = try await read(runId, { session throws(PostgresError) in try Self.read(runId, session) }) else {
            return RunStoreError(.unknownRun, runId: runId, message: "no run with this id")
        }
        let mine = "this node (\(node), claim \(epoch.map(String.init) ?? "none"))"
        if current.record.state == .running, action != "claim" {
            return RunStoreError(.conflict, runId: runId, message: "cannot \(action): the run is running on \(current.node ?? "no node") "
                                    + "(claim \(current.claimEpoch)); \(mine) does not own it")
        }
        if current.record.state == .crashed, current.record.error == "node lost", current.node == node, current.claimEpoch != epoch {
            return RunStoreError(.conflict, runId: runId, message: "cannot \(action): the run was rescued by another node "
                                    + "(crashed, node lost) while \(mine) did not renew its lease; its record stays as the rescue wrote it")
        }
        return RunStoreError(.conflict, runId: runId, message: "cannot \(action) a run that is \(current.record.state)"
                                + (current.node.map { " (last claimed by \($0))" } ?? ""))
    }

    /// Notes that a run this store just made has an empty log, so its first lines need no count.
    func startLog(_ runId: RunID) {
        let limiter = RunLogLimiter(maximumBytes: options.maximumLogBytes, maximumLines: options.maximumLogLines)
        limiters.withLock { limiters in
            if limiters.count > 10_000 { limiters.removeAll() }
            limiters[runId] = limiter
        }
    }

    /// Yields `event` from this store's own change when no LISTEN brings it back (poll-only mode).
    func announceLocally(_ event: SharedStoreEvent) {
        if !options.listen { hub.yield(event) }
    }
}
