import StewardCore
import StewardJobs

/// The journal's reads, on any connection (the store's reader, the CLI's read-only one). Each
/// public entry runs in one read transaction, so a record and its log lines come from one
/// snapshot: a reader never sees half of a write.
enum JournalQueries {
    /// A run's `id` and record (with its steps); `nil` if unknown.
    static func run(_ runId: RunID, on connection: SQLiteConnection) throws(SQLiteError) -> (id: Int64, record: RunRecord)? {
        try connection.readTransaction { () throws(SQLiteError) -> (id: Int64, record: RunRecord)? in try runInSnapshot(runId, on: connection) }
    }

    private static func runInSnapshot(_ runId: RunID, on connection: SQLiteConnection) throws(SQLiteError) -> (id: Int64, record: RunRecord)? {
        let found = try connection.statement("\(RunRow.select) WHERE run_id = ?").first([.text(runId.rawValue)]) { row in
            (RunRow.record(row), RunRow.stepCount(row))
        }
        guard let (pair, steps) = found else { return nil }
        var record = pair.record
        if steps > 0 { record.steps = try self.steps(pair.id, on: connection) }
        return (pair.id, record)
    }

    /// Runs matching `query`, newest first.
    static func runs(_ query: RunQuery, on connection: SQLiteConnection) throws(SQLiteError) -> [RunRecord] {
        try connection.readTransaction { () throws(SQLiteError) -> [RunRecord] in try runsInSnapshot(query, on: connection) }
    }

    private static func runsInSnapshot(_ query: RunQuery, on connection: SQLiteConnection) throws(SQLiteError) -> [RunRecord] {
        var (conditions, values) = filter(query)
        if let before = query.before {
            conditions.append("id < (SELECT id FROM runs WHERE run_id = ?)")
            values.append(.text(before.rawValue))
        }
        var sql = RunRow.select
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY id DESC"
        if let limit = query.limit {
            sql += " LIMIT ?"
            values.append(.integer(Int64(max(0, limit))))
        }
        let rows = try connection.statement(sql).rows(values) { row in (RunRow.record(row), RunRow.stepCount(row)) }
        var records: [RunRecord] = []
        records.reserveCapacity(rows.count)
        for (pair, steps) in rows {
            var record = pair.record
            if steps > 0 { record.steps = try self.steps(pair.id, on: connection) }
            records.append(record)
        }
        return records
    }

    /// The `WHERE` conditions and their values for `query`'s filters (not its cursor or limit).
    static func filter(_ query: RunQuery) -> (conditions: [String], values: [SQLiteValue]) {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if let jobId = query.jobId {
            conditions.append("job_id = ?")
            values.append(.text(jobId.rawValue))
        }
        if let jobIds = query.jobIds {
            // No job carries the tag: nothing matches.
            guard !jobIds.isEmpty else { return (["0"], []) }
            let ids = jobIds.map(\.rawValue).sorted()
            conditions.append("job_id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))")  // the runs_by_job index
            values += ids.map { .text($0) }
        }
        if let states = query.states {
            let names = states.map(\.name).sorted()
            conditions.append("state IN (\(names.map { _ in "?" }.joined(separator: ", ")))")
            values += names.map { .text($0) }
        }
        if let since = query.since {
            conditions.append("created_at >= ?")
            values.append(.integer(since.journalMilliseconds))
        }
        if let parent = query.parentRunId {
            conditions.append("parent_run_id = ?")
            values.append(.text(parent.rawValue))
        }
        return (conditions, values)
    }

    /// How many runs match `query`'s filters, per state: from `run_counts` (kept by triggers; a
    /// few rows per job) when only job and states filter, else one `GROUP BY` over the runs — as
    /// also in a file of an older schema, which a reader never migrates.
    static func runCounts(_ query: RunQuery, on connection: SQLiteConnection) throws(SQLiteError) -> [RunState: Int] {
        let (conditions, values) = filter(query)
        let hasCounts = try connection.statement("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'run_counts')")
            .first { $0.int64(0) != 0 } ?? false
        let counted = hasCounts && query.since == nil && query.parentRunId == nil
        var sql = counted ? "SELECT state, sum(count) FROM run_counts" : "SELECT state, count(*) FROM runs"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " GROUP BY state"
        let rows = try connection.statement(sql).rows(values) { ($0.text(0), Int($0.int64(1))) }
        var counts: [RunState: Int] = [:]
        for (name, count) in rows {
            if let state = RunState(name: name), count > 0 { counts[state, default: 0] += count }
        }
        return counts
    }

    /// A page of a run's log: lines from `offset` below `end` (all when `nil`), at most `limit`.
    static func lines(_ rowId: Int64, from offset: Int, below end: Int?, limit: Int?,
                      on connection: SQLiteConnection) throws(SQLiteError) -> [RunLogLine] {
        let sql = "SELECT line, time, level, source, text FROM run_log WHERE run = ? AND line >= ? AND line < ? ORDER BY line LIMIT ?"
        return try connection.statement(sql).rows([.integer(rowId), .integer(Int64(max(0, offset))),
                                                  .integer(end.map(Int64.init) ?? Int64.max),
                                                  .integer(limit.map { Int64(max(0, $0)) } ?? -1)]) { row in
            RunLogLine(offset: Int(row.int64(0)),
                       entry: RunLogEntry(time: .init(journalMilliseconds: row.int64(1)),
                                          level: LogLevel(row.text(2)) ?? .info,
                                          source: RunLogSource(name: row.text(3)) ?? .system, text: row.text(4)))
        }
    }

    /// How many lines and text bytes a run's log holds.
    static func logSize(_ rowId: Int64, on connection: SQLiteConnection) throws(SQLiteError) -> (lines: Int, bytes: Int) {
        try connection.statement("SELECT count(*), coalesce(sum(length(CAST(text AS BLOB))), 0) FROM run_log WHERE run = ?")
            .first([.integer(rowId)]) { (Int($0.int64(0)), Int($0.int64(1))) } ?? (0, 0)
    }

    /// A page of a run's log read from the file alone (a run this process does not own).
    static func page(_ runId: RunID, from offset: Int, limit: Int?, on connection: SQLiteConnection)
        throws(SQLiteError) -> RunLogPage? {
        try connection.readTransaction { () throws(SQLiteError) -> RunLogPage? in
            guard let (rowId, record) = try run(runId, on: connection) else { return nil }
            let lines = try lines(rowId, from: offset, below: nil, limit: limit, on: connection)
            let next = lines.last.map { $0.offset + 1 } ?? max(0, offset)
            let more = try connection.statement("SELECT EXISTS (SELECT 1 FROM run_log WHERE run = ? AND line >= ?)")
                .first([.integer(rowId), .integer(Int64(next))]) { $0.int64(0) != 0 } ?? false
            return RunLogPage(lines: lines, nextOffset: next, isComplete: record.state.isFinal && !more)
        }
    }

    /// Up to `limit` run ids starting with `prefix` (`LIKE` with its wildcards escaped).
    static func runIds(startingWith prefix: String, limit: Int, on connection: SQLiteConnection) throws(SQLiteError) -> [RunID] {
        var escaped = ""
        for character in prefix {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return try connection.statement("SELECT run_id FROM runs WHERE run_id LIKE ? ESCAPE '\\' LIMIT ?")
            .rows([.text(escaped + "%"), .integer(Int64(limit))]) { RunID($0.text(0)) }
    }

    /// A definition's persisted state, its last fired instant raised to the latest schedule fire
    /// a run records; `nil` when neither exists.
    static func definitionState(_ jobId: JobID, on connection: SQLiteConnection) throws(SQLiteError) -> JobDefinitionState? {
        let sql = """
            SELECT (SELECT enabled FROM job_state WHERE job_id = ?1),
                   (SELECT last_fired FROM job_state WHERE job_id = ?1),
                   (SELECT max(scheduled_for) FROM runs WHERE job_id = ?1 AND trigger = 'schedule'),
                   EXISTS (SELECT 1 FROM job_state WHERE job_id = ?1),
                   (SELECT schedule_override FROM job_state WHERE job_id = ?1),
                   (SELECT revision FROM job_state WHERE job_id = ?1)
            """
        return try connection.statement(sql).first([.text(jobId.rawValue)]) { row -> JobDefinitionState? in
            let saved = row.optionalInt64(1)
            let fired = row.optionalInt64(2)
            guard row.int64(3) != 0 || fired != nil else { return nil }
            let last = [saved, fired].compactMap { $0 }.max()
            return JobDefinitionState(jobId: jobId, isEnabled: row.optionalInt64(0).map { $0 != 0 },
                                      lastFired: last.map { .init(journalMilliseconds: $0) },
                                      scheduleOverride: row.optionalText(4).flatMap(ScheduleOverride.init(jsonText:)),
                                      revision: row.optionalText(5))
        } ?? nil
    }

    private static func steps(_ rowId: Int64, on connection: SQLiteConnection) throws(SQLiteError) -> [String] {
        try connection.statement("SELECT name FROM run_steps WHERE run = ? ORDER BY position").rows([.integer(rowId)]) { $0.text(0) }
    }
}
