import StewardJobs

extension PostgresRunStore {
    /// Runs matching `query`, newest first (by insertion), as `RunStore.runs(_:)` reads them:
    /// by job or set of jobs, states, creation since an instant, parent, before a run (paging)
    /// and a limit.
    /// - Throws: `unavailable`.
    public func runs(_ query: RunQuery) async throws(RunStoreError) -> [RunRecord] {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []
        func parameter(_ value: PostgresValue) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let jobId = query.jobId { conditions.append("r.job_id = \(parameter(.text(jobId.rawValue)))") }
        if let jobIds = query.jobIds {
            guard !jobIds.isEmpty else { return [] }
            conditions.append("r.job_id = ANY(\(parameter(.text(Self.arrayLiteral(jobIds.map(\.rawValue)))))::text[])")
        }
        if let states = query.states {
            guard !states.isEmpty else { return [] }
            conditions.append("r.state = ANY(\(parameter(.text(Self.arrayLiteral(states.map(\.name)))))::text[])")
        }
        if let since = query.since { conditions.append("r.created_at >= \(parameter(.integer(since.milliseconds)))") }
        if let parent = query.parentRunId { conditions.append("r.parent_run_id = \(parameter(.text(parent.rawValue)))") }
        if let before = query.before {
            conditions.append("r.id < (SELECT id FROM steward.runs WHERE run_id = \(parameter(.text(before.rawValue))))")
        }
        var sql = PostgresRunRow.select
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY r.id DESC"
        if let limit = query.limit { sql += " LIMIT \(parameter(.integer(Int64(max(0, limit)))))" }
        let statement = sql
        let values = parameters
        do throws(PostgresError) {
            return try await connection.withSession { session throws(PostgresError) in
                let rows = try session.query(statement, values)
                return rows.rows.indices.map { PostgresRunRow.record(rows, $0).record }
            }
        } catch {
            throw Self.unavailable(error, nil)
        }
    }

    /// A PostgreSQL array literal of texts (`{"a","b\"c"}`), for `= ANY($n::text[])`.
    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { value in
            "\"" + value.flatMap { $0 == "\"" || $0 == "\\" ? ["\\", $0] : [$0] } + "\""
        }.joined(separator: ",") + "}"
    }
}
