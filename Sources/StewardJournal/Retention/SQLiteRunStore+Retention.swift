#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

extension SQLiteRunStore {
    /// Removes ended runs `policy` no longer keeps, as of `now`, in batches of
    /// ``RetentionPolicy/batchSize`` (one transaction each, so other writes go on in between);
    /// then returns the freed pages to the file system (`PRAGMA incremental_vacuum`). SQLite
    /// checkpoints the WAL as it grows (every 1,000 pages) and the store on close. Never touches
    /// an active run, nor one this process still writes.
    ///
    /// The journal never runs a full `VACUUM` itself (it rewrites the whole file and blocks every
    /// writer); to shrink a file by hand, stop steward and run `sqlite3 FILE 'VACUUM'`.
    /// - Throws: `unavailable` when the journal cannot be written (the runs stay; the next pass
    ///   tries again).
    @discardableResult
    public func prune(_ policy: RetentionPolicy, now: Date,
                      progress: @Sendable (RetentionReport) -> Void = { _ in }) async throws(RunStoreError) -> RetentionReport {
        var report = RetentionReport()
        while true {
            let removed = try await command { connection, owned throws(SQLiteError) -> (runs: Int, lines: Int) in
                try Self.pruneBatch(policy, now: now, except: owned, on: connection)
            }
            report.runs += removed.runs
            report.logLines += removed.lines
            report.batches += 1
            progress(report)
            if removed.runs < policy.batchSize { break }
            await Task.yield()
        }
        if report.runs > 0 {
            _ = try await command { connection, _ throws(SQLiteError) in
                try connection.statement("PRAGMA incremental_vacuum(2000)").rows { _ in () }
            }
        }
        return report
    }

    private static func pruneBatch(_ policy: RetentionPolicy, now: Date, except owned: Set<RunID>,
                                   on connection: SQLiteConnection) throws(SQLiteError) -> (runs: Int, lines: Int) {
        let ages = policy.maximumAge.sorted { $0.key.name < $1.key.name }
        guard !ages.isEmpty else { return (0, 0) }
        let cases = ages.map { _ in "WHEN ? THEN ?" }.joined(separator: " ")
        let sql = """
            WITH ranked AS (
                SELECT id, run_id, state, coalesce(finished_at, created_at) AS ended,
                       row_number() OVER (PARTITION BY job_id ORDER BY id DESC) AS rank
                FROM runs WHERE state NOT IN ('queued', 'running'))
            SELECT id FROM ranked
            WHERE rank > ? AND ended < CASE state \(cases) ELSE -9223372036854775808 END
              AND run_id NOT IN (SELECT value FROM json_each(?))
            ORDER BY id LIMIT ?
            """
        var values: [SQLiteValue] = [.integer(Int64(policy.keepLast))]
        for (state, age) in ages {
            values.append(.text(state.name))
            values.append(.integer(now.journalMilliseconds - Int64(age.nanoseconds / 1_000_000)))
        }
        values.append(.text(JobValue.array(owned.map { .string($0.rawValue) }).jsonText))
        values.append(.integer(Int64(policy.batchSize)))
        let doomed = try connection.statement(sql).rows(values) { $0.int64(0) }
        let deleteLines = try connection.statement("DELETE FROM run_log WHERE run = ?")
        let deleteSteps = try connection.statement("DELETE FROM run_steps WHERE run = ?")
        let deleteRun = try connection.statement("DELETE FROM runs WHERE id = ?")
        var lines = 0
        for id in doomed {
            lines += try deleteLines.run([.integer(id)])
            try deleteSteps.run([.integer(id)])
            try deleteRun.run([.integer(id)])
        }
        return (doomed.count, lines)
    }
}
