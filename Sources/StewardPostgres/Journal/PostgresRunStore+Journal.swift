#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs
import StewardJournal

/// `JournalBackend`: health, retention, the audit and closing.
extension PostgresRunStore: JournalBackend {
    /// The connection string without its password (`host=db port=5432 … password=<hidden>`).
    public var location: String { configuration.description }

    /// Whether the database can be reached: unhealthy (with libpq's reason) from the first failed
    /// statement or lost connection until a statement succeeds again; while the database is
    /// away, the store tries a statement every ``PostgresJournalOptions/pollInterval``. Unhealthy
    /// too while another live steward holds this node's name (``join(version:reason:)``).
    public var health: JournalHealth {
        let health = healthMonitor.health
        guard health.isHealthy, let conflict = nameConflict.withLock({ $0 }) else { return health }
        return conflict
    }

    /// Calls `handler` on every change of ``health`` (from the task that saw the change; it must
    /// not block); returns a token for ``removeHealthObserver(_:)``.
    @discardableResult
    public func observeHealth(_ handler: @escaping @Sendable (JournalHealth) -> Void) -> UInt64 {
        healthMonitor.observe(handler)
    }

    /// Stops calling a handler given to ``observeHealth(_:)``.
    public func removeHealthObserver(_ token: UInt64) {
        healthMonitor.remove(token)
    }

    /// Removes ended runs `policy` no longer keeps, as of `now`, in batches of
    /// `RetentionPolicy/batchSize` (one transaction each; their logs and steps go
    /// with them by `ON DELETE CASCADE`); never a `queued` or `running` run. Several nodes may prune
    /// at once: a run is deleted once.
    /// - Throws: `unavailable` (the next pass tries again).
    @discardableResult
    public func prune(_ policy: RetentionPolicy, now: Date,
                      progress: @Sendable (RetentionReport) -> Void = { _ in }) async throws(RunStoreError) -> RetentionReport {
        let ages = policy.maximumAge.sorted { $0.key.name < $1.key.name }
        var report = RetentionReport()
        guard !ages.isEmpty else { return report }
        var parameters: [PostgresValue] = [.integer(Int64(policy.keepLast)), .integer(Int64(policy.batchSize))]
        var cases: [String] = []
        for (state, age) in ages {
            parameters += [.text(state.name), .integer(now.milliseconds - age.milliseconds)]
            cases.append("WHEN $\(parameters.count - 1) THEN $\(parameters.count)::bigint")
        }
        let select = """
            WITH ranked AS (
                SELECT id, state, coalesce(finished_at, created_at) AS ended,
                       row_number() OVER (PARTITION BY job_id ORDER BY id DESC) AS rank
                FROM steward.runs WHERE state NOT IN ('queued', 'running'))
            SELECT id FROM ranked
            WHERE rank > $1 AND ended < CASE state \(cases.joined(separator: " ")) ELSE -9223372036854775808 END
            ORDER BY id LIMIT $2
            """
        let values = parameters
        while true {
            let removed = try await write(nil) { session throws(PostgresError) -> (runs: Int, lines: Int) in
                try session.transaction { session throws(PostgresError) -> (runs: Int, lines: Int) in
                    let ids = try session.query(select, values).rows.compactMap { $0.first ?? nil }.compactMap { Int64($0) }
                    guard !ids.isEmpty else { return (0, 0) }
                    let list = PostgresValue.text(Self.arrayLiteral(ids))
                    let lines = try session.query("SELECT count(*) FROM steward.run_log WHERE run = ANY($1::bigint[])", [list])
                    let runs = try session.query("""
                        DELETE FROM steward.runs WHERE id = ANY($1::bigint[]) AND state NOT IN ('queued', 'running')
                        """, [list])
                    return (runs.affected, Int(lines.int64(0, 0) ?? 0))
                }
            }
            report.runs += removed.runs
            report.logLines += removed.lines
            report.batches += 1
            progress(report)
            if removed.runs < policy.batchSize { break }
            await Task.yield()
        }
        return report
    }

    /// Removes audit entries older than `cutoff` and beyond the newest 100,000; returns how many went.
    /// - Throws: `unavailable`.
    @discardableResult
    public func pruneAudit(before cutoff: Date?) async throws(RunStoreError) -> Int {
        try await write(nil) { session throws(PostgresError) -> Int in
            var removed = 0
            if let cutoff {
                removed += try session.query("DELETE FROM steward.audit WHERE at < $1", [.integer(cutoff.milliseconds)]).affected
            }
            removed += try session.query("""
                DELETE FROM steward.audit WHERE id <= (SELECT id FROM steward.audit ORDER BY id DESC LIMIT 1 OFFSET 100000)
                """).affected
            return removed
        }
    }

    /// Records an operator action, with this node's name.
    /// - Throws: `unavailable`.
    public func recordAudit(_ entry: AuditEntry) async throws(RunStoreError) {
        let node = node
        try await write(entry.runId) { session throws(PostgresError) in
            try session.query("""
                INSERT INTO steward.audit (at, actor, action, target, detail, run_id, node) VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [.integer(entry.at.milliseconds), .text(entry.actor), .text(entry.action), .text(entry.target),
                      .text(entry.detail), .text(entry.runId?.rawValue), .text(node)])
        }
    }

    /// The newest `limit` audit entries of every node, newest first.
    /// - Throws: `unavailable`.
    public func auditEntries(limit: Int) async throws(RunStoreError) -> [AuditEntry] {
        let rows = try await read(nil) { session throws(PostgresError) in
            try session.query("SELECT at, actor, action, target, detail, run_id FROM steward.audit ORDER BY id DESC LIMIT $1",
                              [.integer(Int64(max(0, limit)))])
        }
        return rows.rows.indices.map { index in
            AuditEntry(at: Date(milliseconds: rows.int64(index, 0) ?? 0), actor: rows.text(index, 1) ?? "",
                       action: rows.text(index, 2) ?? "", target: rows.text(index, 3) ?? "", detail: rows.text(index, 4) ?? "",
                       runId: rows.text(index, 5).map { RunID($0) })
        }
    }

    /// Stops listening and probing, ends every ``events()`` stream, finishes the statements
    /// queued on each connection and closes them. Later calls fail `unavailable`. Pending
    /// coalesced progress is dropped (a finished run's record carries its last value).
    public func close() async {
        let tasks = background.withLock { b -> [Task<Void, Never>] in
            b.closed = true
            defer { b.tasks = [:] }
            return Array(b.tasks.values)
        }
        for task in tasks { task.cancel() }
        listener.withLock { listener in
            listener?.close()
            listener = nil
        }
        hub.finish()
        for writer in writers { await writer.close() }
        await reader.close()
        await pulse.close()
    }
}
