#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJobs

/// Run logs: appended in one statement per batch (`unnest` of arrays), capped per run with the
/// truncation marker the other stores write, read in pages and followed by polling.
extension PostgresRunStore {
    /// Appends lines to a run's log, in order, in one statement. Past the cap
    /// (``PostgresJournalOptions/maximumLogBytes``, ``PostgresJournalOptions/maximumLogLines``)
    /// one truncation marker (source `system`) is written and later lines are dropped. Lines may
    /// follow a run's end (a note written after it).
    /// - Throws: `unknownRun`; `unavailable`.
    public func appendLog(_ runId: RunID, _ entries: [RunLogEntry]) async throws(RunStoreError) {
        guard !entries.isEmpty else { return }
        let maximumBytes = options.maximumLogBytes
        let maximumLines = options.maximumLogLines
        // The limiter is taken and put back on the write connection's thread, in the order the
        // batches are written, so offsets follow the order of the calls.
        let known = try await write(runId) { [self] session throws(PostgresError) -> Bool in
            for attempt in 0..<2 {
                var limiter = limiters.withLock { $0[runId] }
                var rowId: Int64?
                if attempt > 0 || limiter == nil {
                    guard let seeded = try Self.seedLimiter(runId, maximumBytes: maximumBytes, maximumLines: maximumLines, session) else {
                        return false
                    }
                    limiter = seeded.limiter
                    rowId = seeded.rowId
                }
                guard var limiter else { return false }
                let lines = limiter.admit(entries)
                do throws(PostgresError) {
                    if !lines.isEmpty {
                        let inserted = try Self.insertLines(lines, runId: runId, rowId: rowId, session)
                        if !inserted { return false }
                    }
                    limiters.withLock { limiters in
                        if limiters.count > 10_000 { limiters.removeAll() }
                        limiters[runId] = limiter
                    }
                    return true
                } catch where error.isUniqueViolation && attempt == 0 {
                    // Another node wrote to this log: count again from the table.
                    continue
                }
            }
            return true
        }
        if !known {
            limiters.withLock { _ = $0.removeValue(forKey: runId) }
            throw RunStoreError(.unknownRun, runId: runId, message: "no run with this id")
        }
    }

    /// The cap of a run's log as the table has it (lines, bytes, whether a marker was written),
    /// and the run's row; `nil` for an unknown run.
    private static func seedLimiter(_ runId: RunID, maximumBytes: Int, maximumLines: Int,
                                    _ session: PostgresSession) throws(PostgresError) -> (limiter: RunLogLimiter, rowId: Int64)? {
        let rows = try session.query("""
            SELECT r.id, count(l.line), coalesce(sum(octet_length(l.text)), 0),
                coalesce(bool_or(l.source = 'system' AND starts_with(l.text, $2)), false)
            FROM steward.runs r LEFT JOIN steward.run_log l ON l.run = r.id WHERE r.run_id = $1 GROUP BY r.id
            """, [.text(runId.rawValue), .text(RunLogLimiter.markerPrefix)])
        guard let rowId = rows.int64(0, 0) else { return nil }
        let limiter = RunLogLimiter(maximumBytes: maximumBytes, maximumLines: maximumLines, lineCount: Int(rows.int64(0, 1) ?? 0),
                                    byteCount: Int(rows.int64(0, 2) ?? 0), isTruncated: rows.bool(0, 3) ?? false)
        return (limiter, rowId)
    }

    /// Inserts lines in one statement; `false` when the run is unknown.
    private static func insertLines(_ lines: [RunLogLine], runId: RunID, rowId: Int64?,
                                    _ session: PostgresSession) throws(PostgresError) -> Bool {
        let run: PostgresValue = rowId.map { .integer($0) } ?? .null
        let inserted = try session.query("""
            INSERT INTO steward.run_log (run, line, time, level, source, text)
            SELECT coalesce($1::bigint, (SELECT id FROM steward.runs WHERE run_id = $2)), l.line, l.time, l.level, l.source, l.text
            FROM unnest($3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[]) AS l (line, time, level, source, text)
            WHERE coalesce($1::bigint, (SELECT id FROM steward.runs WHERE run_id = $2)) IS NOT NULL
            """, [run, .text(runId.rawValue), .text(arrayLiteral(lines.map { Int64($0.offset) })),
                  .text(arrayLiteral(lines.map { $0.time.milliseconds })), .text(arrayLiteral(lines.map { $0.level.name })),
                  .text(arrayLiteral(lines.map { $0.source.name })), .text(arrayLiteral(lines.map { $0.text }))])
        return inserted.affected == lines.count
    }

    /// Up to `limit` lines (all when `nil`) of a run's log from `offset` on; the page is complete
    /// when the run is final and no line follows.
    /// - Throws: `unknownRun`; `unavailable`.
    public func readLog(_ runId: RunID, from offset: Int, limit: Int?) async throws(RunStoreError) -> RunLogPage {
        let start = max(0, offset)
        let page = try await read(runId) { session throws(PostgresError) -> RunLogPage? in
            // The state first: lines written before the run ended are then all visible below.
            let run = try session.query("SELECT id, state FROM steward.runs WHERE run_id = $1", [.text(runId.rawValue)])
            guard let rowId = run.int64(0, 0) else { return nil }
            let isFinal = RunState(name: run.text(0, 1) ?? "")?.isFinal ?? true
            var sql = "SELECT line, time, level, source, text FROM steward.run_log WHERE run = $1 AND line >= $2 ORDER BY line"
            var parameters: [PostgresValue] = [.integer(rowId), .integer(Int64(start))]
            if let limit {
                sql += " LIMIT $3"
                parameters.append(.integer(Int64(max(0, limit))))
            }
            let rows = try session.query(sql, parameters)
            let lines = rows.rows.indices.map { index in
                RunLogLine(offset: Int(rows.int64(index, 0) ?? 0), entry: RunLogEntry(
                    time: Date(milliseconds: rows.int64(index, 1) ?? 0), level: LogLevel(rows.text(index, 2) ?? "") ?? .info,
                    source: RunLogSource(name: rows.text(index, 3) ?? "") ?? .job, text: rows.text(index, 4) ?? ""))
            }
            let next = lines.last.map { $0.offset + 1 } ?? start
            let more = limit.map { lines.count >= max(0, $0) } ?? false
            return RunLogPage(lines: lines, nextOffset: next, isComplete: isFinal && !more)
        }
        guard let page else { throw RunStoreError(.unknownRun, runId: runId, message: "no run with this id") }
        return page
    }

    /// The lines of a run's log from `offset` on, then new lines as any node appends them (read
    /// every ``PostgresJournalOptions/followInterval``); ends once the run is final and every
    /// line was delivered, or when the consuming task is cancelled.
    public func followLog(_ runId: RunID, from offset: Int) -> RunLogFollow {
        let interval = options.followInterval
        return RunLogFollow(from: offset,
                            read: { [self] (cursor: Int) throws(RunStoreError) -> RunLogPage in
                                try await readLog(runId, from: cursor, limit: 1000)
                            },
                            waitForMore: { _ in try? await Task.sleep(for: interval) })
    }
}
