import StewardJobs

/// Reads, on the read connection: one run, listings, counts and id prefixes.
extension PostgresRunStore {
    /// One run's record (with the node that runs or ran it); `nil` if unknown.
    /// - Throws: `unavailable`.
    public func run(_ runId: RunID) async throws(RunStoreError) -> RunRecord? {
        try await read(runId) { session throws(PostgresError) in try Self.read(runId, session)?.record }
    }

    /// The node that claimed a run and the claim epoch, with its record; `nil` if unknown.
    /// - Throws: `unavailable`.
    public func owner(of runId: RunID) async throws(RunStoreError) -> (node: String?, claimEpoch: Int, record: RunRecord)? {
        guard let selected = try await read(runId, { session throws(PostgresError) in try Self.read(runId, session) }) else { return nil }
        return (selected.node, selected.claimEpoch, selected.record)
    }

    /// Runs matching `query`, newest first (by insertion): by job or set of jobs, states, creation
    /// since an instant, parent, before a run (paging) and a limit.
    /// - Throws: `unavailable`.
    public func runs(_ query: RunQuery) async throws(RunStoreError) -> [RunRecord] {
        guard var filter = Self.filter(query) else { return [] }
        var sql = PostgresRunRow.select + filter.whereClause + " ORDER BY r.id DESC"
        if let limit = query.limit { sql += " LIMIT \(filter.parameter(.integer(Int64(max(0, limit)))))" }
        let statement = sql
        let values = filter.parameters
        return try await read(nil) { session throws(PostgresError) in
            Self.selected(try session.query(statement, values)).map(\.record)
        }
    }

    /// How many runs match `query` (its `limit` and `before` ignored), per state, in one
    /// `GROUP BY`; states without runs are absent.
    /// - Throws: `unavailable`.
    public func runCounts(_ query: RunQuery) async throws(RunStoreError) -> [RunState: Int] {
        var all = query
        all.limit = nil
        all.before = nil
        guard let filter = Self.filter(all) else { return [:] }
        let statement = "SELECT r.state, count(*) FROM steward.runs r" + filter.whereClause + " GROUP BY r.state"
        let values = filter.parameters
        let rows = try await read(nil) { session throws(PostgresError) in try session.query(statement, values) }
        var counts: [RunState: Int] = [:]
        for index in rows.rows.indices {
            if let state = RunState(name: rows.text(index, 0) ?? "") { counts[state] = Int(rows.int64(index, 1) ?? 0) }
        }
        return counts
    }

    /// The ids of up to `limit` runs whose id starts with `prefix`, through the prefix index.
    /// - Throws: `unavailable`.
    public func runIds(startingWith prefix: String, limit: Int) async throws(RunStoreError) -> [RunID] {
        let pattern = prefix.flatMap { $0 == "%" || $0 == "_" || $0 == "\\" ? ["\\", $0] : [$0] } + "%"
        let rows = try await read(nil) { session throws(PostgresError) in
            try session.query("SELECT run_id FROM steward.runs WHERE run_id LIKE $1 LIMIT $2",
                              [.text(String(pattern)), .integer(Int64(max(0, limit)))])
        }
        return rows.rows.compactMap { $0.first ?? nil }.map { RunID($0) }
    }

    /// The `WHERE` clause of `query` and its parameters; `nil` when nothing can match (an empty
    /// set of jobs or states).
    static func filter(_ query: RunQuery) -> RunFilter? {
        var filter = RunFilter()
        if let jobId = query.jobId { filter.conditions.append("r.job_id = \(filter.parameter(.text(jobId.rawValue)))") }
        if let jobIds = query.jobIds {
            guard !jobIds.isEmpty else { return nil }
            filter.conditions.append("r.job_id = ANY(\(filter.parameter(.text(arrayLiteral(jobIds.map(\.rawValue)))))::text[])")
        }
        if let states = query.states {
            guard !states.isEmpty else { return nil }
            filter.conditions.append("r.state = ANY(\(filter.parameter(.text(arrayLiteral(states.map(\.name)))))::text[])")
        }
        if let since = query.since { filter.conditions.append("r.created_at >= \(filter.parameter(.integer(since.milliseconds)))") }
        if let parent = query.parentRunId { filter.conditions.append("r.parent_run_id = \(filter.parameter(.text(parent.rawValue)))") }
        if let before = query.before {
            filter.conditions.append("r.id < (SELECT id FROM steward.runs WHERE run_id = \(filter.parameter(.text(before.rawValue))))")
        }
        return filter
    }

    /// Conditions on `steward.runs r` with their numbered parameters.
    struct RunFilter {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []

        /// Adds a parameter; returns its placeholder (`$3`).
        mutating func parameter(_ value: PostgresValue) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }

        var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }
    }
}
