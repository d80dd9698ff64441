#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

/// Admission, claiming and cross-node stops: what the database decides for every node at once.
///
/// A job's admissions and claims are serialized by a transaction-level advisory lock on the job
/// (`pg_advisory_xact_lock(0x53545744, hashtext(job_id))`): admission waits for it, claiming
/// tries it and passes over a job whose lock is busy (another node is admitting or claiming it;
/// the notification of that change brings the next look).
extension PostgresRunStore {
    /// The first key of the per-job advisory locks ("STWD"); the second is `hashtext(job_id)`.
    static let jobLockSpace: Int64 = 0x5354_5744

    /// Makes a new run durable, decided atomically across every node (see
    /// ``StewardJobs/SharedRunStore/admit(_:overlap:claim:)``). Under the job's lock: a schedule
    /// fire or automatic retry that exists already is `duplicate`; with `skip`, a run of the job
    /// that is running anywhere, queued and due (by the database's clock), or a queued retry makes
    /// the new run `skipped`; with `queueOne`, a queued run that is due or a retry does. A run
    /// that is not due yet (a run later) and `allow` are stored `queued` (claiming holds the
    /// policy when they are due). A record that is final already (a `missed` fire) is stored as
    /// it is and returned as `skipped` (not to be run).
    /// - Throws: `duplicateRun` for an id that exists; `unavailable`.
    public func admit(_ record: RunRecord, overlap: OverlapPolicy, claim: Bool) async throws(RunStoreError) -> SharedAdmission {
        let node = node
        let lease = options.lease.milliseconds
        let outcome = try await write(record.runId, refine: { Self.uniqueRefusal($0, record, as: .conflict) }) { session throws(PostgresError) -> Admitted in
            do throws(PostgresError) {
                return try session.transaction { session throws(PostgresError) -> Admitted in
                    try Self.admit(record, overlap: overlap, claim: claim, node: node, lease: lease, session)
                }
            } catch where Self.duplicateText(error, record) != nil {
                return .duplicate(Self.duplicateText(error, record) ?? "")
            }
        }
        switch outcome {
        case .duplicate(let text):
            return .duplicate(text)
        case .stored(let selected) where selected.record.state == .queued:
            announceLocally(.runsChanged)
            return .queued(selected.record)
        case .stored(let selected) where selected.record.state == .running:
            claims.withLock { $0[selected.record.runId] = selected.claimEpoch }
            return .running(selected.record)
        case .stored(let selected):
            return .skipped(selected.record)
        }
    }

    /// What one admission did.
    enum Admitted: Sendable {
        case stored(PostgresRunRow.Selected)
        case duplicate(String)
    }

    /// The admission's transaction (the caller opened it).
    private static func admit(_ record: RunRecord, overlap: OverlapPolicy, claim: Bool, node: String, lease: Int64,
                              _ session: PostgresSession) throws(PostgresError) -> Admitted {
        let job = PostgresValue.text(record.jobId.rawValue)
        try session.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [.integer(jobLockSpace), job])
        if record.trigger == .schedule, let instant = record.scheduledFor {
            let existing = try session.query("""
                SELECT run_id, node FROM steward.runs WHERE job_id = $1 AND trigger = 'schedule' AND scheduled_for = $2
                """, [job, .integer(instant.milliseconds)])
            if let other = existing.text(0, 0) {
                return .duplicate("job \(record.jobId)'s fire at \(instant.milliseconds) ms is already run \(other)"
                                    + (existing.text(0, 1).map { " (node \($0))" } ?? ""))
            }
        }
        if record.trigger == .retry, let retried = record.retryOf {
            let existing = try session.query("SELECT run_id FROM steward.runs WHERE retry_of = $1 AND trigger = 'retry'",
                                             [.text(retried.rawValue)])
            if let other = existing.text(0, 0) { return .duplicate("run \(retried) is already retried as run \(other)") }
        }
        var stored = record
        var skip = false
        if record.state == .queued && overlap != .allow {
            let active = try session.query("""
                SELECT count(*) FILTER (WHERE state = 'running'),
                       count(*) FILTER (WHERE state = 'queued' AND (trigger = 'retry' OR coalesce(scheduled_for, created_at) <= steward.now_ms())),
                       coalesce($2::bigint, 0) <= steward.now_ms()
                FROM steward.runs WHERE job_id = $1 AND state IN ('queued', 'running')
                """, [job, .integer(record.scheduledFor?.milliseconds)])
            let running = active.int64(0, 0) ?? 0
            let waiting = active.int64(0, 1) ?? 0
            let due = active.bool(0, 2) ?? true
            if due || record.trigger == .retry {
                skip = overlap == .skip ? running + waiting > 0 : waiting > 0
            }
        }
        if skip {
            stored.state = .skipped
            stored.error = "skipped: a run of the job is active (overlap \(overlap))"
        }
        let rowId = try session.query(PostgresRunRow.insert, PostgresRunRow.values(stored)).int64(0, 0) ?? 0
        try writeSteps(stored.steps, rowId, session)
        let rows: PostgresRows
        if skip {
            rows = try session.query("""
                UPDATE steward.runs r SET finished_at = steward.now_ms() WHERE r.id = $1 RETURNING \(PostgresRunRow.selection)
                """, [.integer(rowId)])
        } else if claim && stored.state == .queued {
            rows = try session.query("""
                UPDATE steward.runs r SET state = 'running', node = $2, claim_epoch = r.claim_epoch + 1, started_at = steward.now_ms(),
                    lease_expires_at = steward.now_ms() + $3
                WHERE r.id = $1 RETURNING \(PostgresRunRow.selection)
                """, [.integer(rowId), .text(node), .integer(lease)])
        } else {
            rows = try session.query(PostgresRunRow.select + " WHERE r.id = $1", [.integer(rowId)])
            if stored.state == .queued { try notify(PostgresChannel.runs, node, session) }
        }
        guard let selected = selected(rows).first else {
            throw PostgresError(.query, message: "the admitted run \(record.runId) could not be read back")
        }
        return .stored(selected)
    }

    /// Claims up to `limit` queued runs of `jobs` that are due by the database's clock, in one
    /// transaction (see ``StewardJobs/SharedRunStore/claim(_:limit:)``): for a job whose policy
    /// is not `allow`, at most one run, only while none of its runs is running on any node and
    /// only if its lock is free; for `allow` jobs, the oldest due runs, skipping rows other nodes
    /// are claiming. Claimed runs are `running` on this node, started and leased by the
    /// database's clock.
    /// - Throws: `unavailable`.
    public func claim(_ jobs: [JobID: OverlapPolicy], limit: Int) async throws(RunStoreError) -> [RunRecord] {
        guard limit > 0, !jobs.isEmpty else { return [] }
        let node = node
        let lease = options.lease.milliseconds
        let serial = jobs.filter { $0.value != .allow }.map(\.key.rawValue).sorted()
        let free = jobs.filter { $0.value == .allow }.map(\.key.rawValue).sorted()
        let claimed = try await write(nil) { session throws(PostgresError) -> [PostgresRunRow.Selected] in
            try session.transaction { session throws(PostgresError) -> [PostgresRunRow.Selected] in
                var claimed: [PostgresRunRow.Selected] = []
                let update = """
                    UPDATE steward.runs r SET state = 'running', node = $1, claim_epoch = r.claim_epoch + 1,
                        started_at = steward.now_ms(), lease_expires_at = steward.now_ms() + $2, stop_requested = false
                    FROM due WHERE r.id = due.id RETURNING \(PostgresRunRow.selection)
                    """
                if !serial.isEmpty {
                    let candidates = try session.query("""
                        SELECT job_id FROM steward.runs q WHERE q.state = 'queued' AND q.job_id = ANY($1::text[])
                            AND coalesce(q.scheduled_for, q.created_at) <= steward.now_ms()
                            AND NOT EXISTS (SELECT 1 FROM steward.runs w WHERE w.job_id = q.job_id AND w.state = 'running')
                        GROUP BY job_id ORDER BY min(coalesce(q.scheduled_for, q.created_at)) LIMIT $2
                        """, [.text(Self.arrayLiteral(serial)), .integer(Int64(limit))])
                    for job in candidates.rows.compactMap({ $0.first ?? nil }) where claimed.count < limit {
                        let locked = try session.query("SELECT pg_try_advisory_xact_lock($1::int, hashtext($2))",
                                                       [.integer(Self.jobLockSpace), .text(job)]).bool(0, 0) ?? false
                        guard locked else { continue }
                        let rows = try session.query("""
                            WITH due AS (
                                SELECT id FROM steward.runs q WHERE q.job_id = $3 AND q.state = 'queued'
                                    AND coalesce(q.scheduled_for, q.created_at) <= steward.now_ms()
                                    AND NOT EXISTS (SELECT 1 FROM steward.runs w WHERE w.job_id = $3 AND w.state = 'running')
                                ORDER BY coalesce(q.scheduled_for, q.created_at), q.id LIMIT 1 FOR UPDATE SKIP LOCKED)
                            \(update)
                            """, [.text(node), .integer(lease), .text(job)])
                        claimed += Self.selected(rows)
                    }
                }
                if !free.isEmpty && claimed.count < limit {
                    let rows = try session.query("""
                        WITH due AS (
                            SELECT id FROM steward.runs WHERE state = 'queued' AND job_id = ANY($3::text[])
                                AND coalesce(scheduled_for, created_at) <= steward.now_ms()
                            ORDER BY coalesce(scheduled_for, created_at), id LIMIT $4 FOR UPDATE SKIP LOCKED)
                        \(update)
                        """, [.text(node), .integer(lease), .text(Self.arrayLiteral(free)), .integer(Int64(limit - claimed.count))])
                    claimed += Self.selected(rows)
                }
                return claimed
            }
        }
        claims.withLock { claims in for run in claimed { claims[run.record.runId] = run.claimEpoch } }
        return claimed.map(\.record).sorted { ($0.scheduledFor ?? $0.createdAt) < ($1.scheduledFor ?? $1.createdAt) }
    }

    /// How long until the earliest queued run of `jobs` is due, by the database's clock (zero
    /// when one is due now); `nil` when none is queued.
    /// - Throws: `unavailable`.
    public func nextDue(_ jobs: Set<JobID>) async throws(RunStoreError) -> Duration? {
        guard !jobs.isEmpty else { return nil }
        let names = Self.arrayLiteral(jobs.map(\.rawValue).sorted())
        let rows = try await read(nil) { session throws(PostgresError) in
            try session.query("""
                SELECT min(coalesce(scheduled_for, created_at)) - steward.now_ms() FROM steward.runs
                WHERE state = 'queued' AND job_id = ANY($1::text[])
                """, [.text(names)])
        }
        return rows.int64(0, 0).map { .milliseconds(max(0, $0)) }
    }

    /// Stops a run wherever it is: a queued run is `stopped` at once; a running one is flagged
    /// (`stop_requested`, which its node's ``heartbeat()`` reports) and its node notified; an
    /// ended one is returned as it is.
    /// - Throws: `unknownRun`; `unavailable`.
    public func requestStop(_ runId: RunID) async throws(RunStoreError) -> SharedStopOutcome {
        let node = node
        let outcome = try await write(runId) { session throws(PostgresError) -> SharedStopOutcome? in
            try session.transaction { session throws(PostgresError) -> SharedStopOutcome? in
                let rows = try session.query("SELECT state, node FROM steward.runs WHERE run_id = $1 FOR UPDATE", [.text(runId.rawValue)])
                guard let state = rows.text(0, 0) else { return nil }
                switch state {
                case "queued":
                    let stopped = try session.query("""
                        UPDATE steward.runs r SET state = 'stopped', error = 'stopped before it started', finished_at = steward.now_ms()
                        WHERE r.run_id = $1 RETURNING \(PostgresRunRow.selection)
                        """, [.text(runId.rawValue)])
                    try Self.notify(PostgresChannel.runs, node, session)
                    return Self.selected(stopped).first.map { .stopped($0.record) }
                case "running":
                    let target = rows.text(0, 1) ?? ""
                    try session.query("UPDATE steward.runs SET stop_requested = true WHERE run_id = $1", [.text(runId.rawValue)])
                    try Self.notify(PostgresChannel.actions, [node, target, "stop", runId.rawValue].joined(separator: "\t"), session)
                    return .requested(node: target)
                default:
                    return try Self.read(runId, session).map { .ended($0.record) }
                }
            }
        }
        guard let outcome else { throw RunStoreError(.unknownRun, runId: runId, message: "no run with this id") }
        switch outcome {
        case .stopped: announceLocally(.runsChanged)
        case .requested(let target) where target == node: announceLocally(.stopRequested(runId))
        default: break
        }
        return outcome
    }
}
