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
    /// `SharedRunStore/admit(_:overlap:claim:)`). Under the job's lock: a schedule
    /// fire or automatic retry that exists already is `duplicate`; with `skip`, a run of the job
    /// that is running anywhere, queued and due (by the database's clock), or a queued retry makes
    /// the new run `skipped`; with `queueOne`, a queued run that is due or a retry does. A run
    /// that is not due yet (a run later) and `allow` are stored `queued` (claiming holds the
    /// policy when they are due). With `claim`, a run the policy admits is stored `running` here at
    /// once (as the protocol says: child runs and proceeds run where they were asked), even a
    /// `queueOne` run while another runs. A record that is final already (a `missed` fire) is stored as
    /// it is and returned as `skipped` (not to be run).
    /// - Throws: `duplicateRun` for an id that exists; `unavailable`.
    public func admit(_ record: RunRecord, overlap: OverlapPolicy, claim: Bool) async throws(RunStoreError) -> SharedAdmission {
        let node = node
        let lease = options.lease.milliseconds
        let serialized = overlap != .allow && record.state == .queued
        let outcome = try await write(record.runId, refine: { Self.uniqueRefusal($0, record, as: .conflict) }) { session throws(PostgresError) -> Admitted in
            do throws(PostgresError) {
                // Without an overlap to decide, the unique keys alone keep fires and retries single:
                // one statement, no lock (a transaction only for steps).
                guard serialized || !record.steps.isEmpty else {
                    return .stored(try Self.insert(record, claim: claim, skipping: nil, node: node, lease: lease, session))
                }
                guard !record.steps.isEmpty else {
                    return try Self.admitSerialized(record, overlap: overlap, claim: claim, node: node, lease: lease, session)
                }
                return try session.transaction { session throws(PostgresError) -> Admitted in
                    guard serialized else { return .stored(try Self.insert(record, claim: claim, skipping: nil, node: node, lease: lease, session)) }
                    return try Self.admitSerialized(record, overlap: overlap, claim: claim, node: node, lease: lease, session)
                }
            } catch where Self.duplicateText(error, record) != nil {
                return .duplicate(Self.duplicateText(error, record) ?? "")
            }
        }
        if case .stored(let selected) = outcome, selected.record.state.isActive { startLog(selected.record.runId) }
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

    /// An admission under the job's lock, in one statement: `steward.admission` takes the lock and
    /// decides (its statements see what was committed while it waited); the insert follows in the
    /// same statement, and the lock is held until it commits.
    private static func admitSerialized(_ record: RunRecord, overlap: OverlapPolicy, claim: Bool, node: String, lease: Int64,
                                        _ session: PostgresSession) throws(PostgresError) -> Admitted {
        let fire = record.trigger == .schedule ? record.scheduledFor?.milliseconds : nil
        let retried = record.trigger == .retry ? record.retryOf?.rawValue : nil
        let claiming = claim && record.state == .queued
        let rows = try session.query(admissionStatement, PostgresRunRow.values(record) + [
            .text(node), .integer(lease), .boolean(claiming), .text("skipped: a run of the job is active (overlap \(overlap))"),
            .text(record.jobId.rawValue), .integer(fire), .text(retried), .integer(record.scheduledFor?.milliseconds), .text(overlap.description),
        ])
        let count = PostgresRunRow.columns.count + 4  // the selection, then the notification
        if let duplicate = rows.text(0, count + 1) { return .duplicate(duplicate) }
        guard var selected = selected(rows).first else {
            throw PostgresError(.query, message: "the run \(record.runId) could not be read back")
        }
        if !record.steps.isEmpty {
            try writeSteps(record.steps, selected.id, session, fresh: true)
            selected.record.steps = record.steps
        }
        return .stored(selected)
    }

    /// The statement of ``admitSerialized``: `$1`…`$25` the columns, `$26` the node, `$27` the
    /// lease, `$28` whether to claim, `$29` a skipped run's error, `$30`…`$34` the arguments of
    /// `steward.admission`.
    private static let admissionStatement: String = {
        let columns = PostgresRunRow.columns
        var values = (1...columns.count).map { "$\($0)" }
        let run = "($28::boolean AND NOT d.skip)"
        values[columns.firstIndex(of: "state")!] = "CASE WHEN d.skip THEN 'skipped' WHEN \(run) THEN 'running' ELSE $3 END"
        values[columns.firstIndex(of: "started_at")!] = "CASE WHEN \(run) THEN steward.now_ms() ELSE $9::bigint END"
        values[columns.firstIndex(of: "finished_at")!] = "CASE WHEN d.skip THEN steward.now_ms() ELSE $10::bigint END"
        values[columns.firstIndex(of: "error")!] = "CASE WHEN d.skip THEN $29 ELSE $15 END"
        return """
            WITH d AS MATERIALIZED (SELECT * FROM steward.admission($30, $31, $32, $33, $34)),
            r AS (
                INSERT INTO steward.runs (\(columns.joined(separator: ", ")), node, claim_epoch, lease_expires_at)
                SELECT \(values.joined(separator: ", ")), CASE WHEN \(run) THEN $26 END, CASE WHEN \(run) THEN 1 ELSE 0 END,
                    CASE WHEN \(run) THEN steward.now_ms() + $27::bigint END
                FROM d WHERE d.duplicate IS NULL
                RETURNING *)
            SELECT \(PostgresRunRow.selection), CASE WHEN r.state = 'queued' THEN pg_notify('steward_runs', $26) END, d.duplicate
            FROM d LEFT JOIN r ON true
            """
    }()

    /// Inserts `record` in one statement (then its steps): `skipped` now when the overlap policy
    /// `skipping` refused it, `running` on this node now when `claim` (a queued record), otherwise
    /// as it is (a queued one notified).
    static func insert(_ record: RunRecord, claim: Bool, skipping: OverlapPolicy?, node: String, lease: Int64,
                       _ session: PostgresSession) throws(PostgresError) -> PostgresRunRow.Selected {
        var stored = record
        let skip = skipping != nil
        let claiming = claim && !skip && record.state == .queued
        if let skipping {
            stored.state = .skipped
            stored.error = "skipped: a run of the job is active (overlap \(skipping))"
        }
        if claiming { stored.state = .running }
        let rows = try session.query(PostgresRunRow.insertReturning(startedNow: claiming, finishedNow: skip),
                                     PostgresRunRow.values(stored) + [.text(claiming ? node : nil), .integer(claiming ? 1 : 0),
                                                                      .integer(claiming ? lease : nil), .text(node)])
        guard var selected = selected(rows).first else {
            throw PostgresError(.query, message: "the run \(record.runId) could not be read back")
        }
        if !stored.steps.isEmpty {
            try writeSteps(stored.steps, selected.id, session, fresh: true)
            selected.record.steps = stored.steps
        }
        return selected
    }
    /// Claims up to `limit` queued runs of `jobs` that are due by the database's clock, in one
    /// statement (only `allow` jobs) or one transaction (see `SharedRunStore/claim(_:limit:)`): for a job whose policy
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
        let update = """
            UPDATE steward.runs r SET state = 'running', node = $1, claim_epoch = r.claim_epoch + 1,
                started_at = steward.now_ms(), lease_expires_at = steward.now_ms() + $2, stop_requested = false
            FROM due WHERE r.id = due.id RETURNING \(PostgresRunRow.selection)
            """
        let claimFree = { @Sendable (session: PostgresSession, count: Int) throws(PostgresError) -> [PostgresRunRow.Selected] in
            Self.selected(try session.query("""
                WITH due AS (
                    SELECT id FROM steward.runs WHERE state = 'queued' AND job_id = ANY($3::text[])
                        AND coalesce(scheduled_for, created_at) <= steward.now_ms()
                    ORDER BY coalesce(scheduled_for, created_at), id LIMIT $4 FOR UPDATE SKIP LOCKED)
                \(update)
                """, [.text(node), .integer(lease), .text(Self.arrayLiteral(free)), .integer(Int64(count))]))
        }
        let claimed = try await write(nil, on: anyWriter()) { session throws(PostgresError) -> [PostgresRunRow.Selected] in
            // Only allow jobs: one statement.
            guard !serial.isEmpty else { return try claimFree(session, limit) }
            return try session.transaction { session throws(PostgresError) -> [PostgresRunRow.Selected] in
                // The jobs with a due run and none running, oldest first, whose lock is free: held
                // to the end of the transaction (a busy one is another node admitting or claiming).
                let locked = try session.query("""
                    SELECT c.job_id FROM (
                        SELECT job_id FROM steward.runs q WHERE q.state = 'queued' AND q.job_id = ANY($1::text[])
                            AND coalesce(q.scheduled_for, q.created_at) <= steward.now_ms()
                            AND NOT EXISTS (SELECT 1 FROM steward.runs w WHERE w.job_id = q.job_id AND w.state = 'running')
                        GROUP BY job_id ORDER BY min(coalesce(q.scheduled_for, q.created_at)) LIMIT $2) AS c
                    WHERE pg_try_advisory_xact_lock($3::int, hashtext(c.job_id))
                    """, [.text(Self.arrayLiteral(serial)), .integer(Int64(limit)), .integer(Self.jobLockSpace)])
                    .rows.compactMap { $0.first ?? nil }
                var claimed: [PostgresRunRow.Selected] = []
                if !locked.isEmpty {
                    // Under the locks, in a statement of its own (a fresh snapshot): each job's
                    // oldest due run, if none of the job's runs is running now.
                    claimed = Self.selected(try session.query("""
                        WITH due AS (
                            SELECT q.id FROM steward.runs q
                            WHERE q.id IN (SELECT (SELECT f.id FROM steward.runs f
                                                   WHERE f.job_id = j.job_id AND f.state = 'queued'
                                                       AND coalesce(f.scheduled_for, f.created_at) <= steward.now_ms()
                                                   ORDER BY coalesce(f.scheduled_for, f.created_at), f.id LIMIT 1)
                                           FROM unnest($3::text[]) AS j (job_id))
                                AND q.state = 'queued'
                                AND NOT EXISTS (SELECT 1 FROM steward.runs w WHERE w.job_id = q.job_id AND w.state = 'running')
                            FOR UPDATE SKIP LOCKED)
                        \(update)
                        """, [.text(node), .integer(lease), .text(Self.arrayLiteral(locked))]))
                }
                if !free.isEmpty && claimed.count < limit { claimed += try claimFree(session, limit - claimed.count) }
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
