import Foundation
import StewardPostgres

/// What the database did for the benchmark's database: statements by `pg_stat_statements` (when
/// the server preloads it), transactions by `pg_stat_database`, and the CPU time of the backends
/// serving it (read from `/proc`, the server runs on this machine).
struct ServerProbe {
    let connection: PostgresConnection
    let database: String

    init(_ connectionString: String, database: String) throws {
        connection = try PostgresConnection(try PostgresConfiguration(parsing: connectionString + " dbname=\(database)"))
        self.database = database
    }

    /// Whether `pg_stat_statements` could be made available in the database.
    func enableStatements() async -> Bool {
        do {
            try await connection.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            try await connection.query("SELECT pg_stat_statements_reset()")
            return true
        } catch {
            return false
        }
    }

    /// Transactions committed in the database so far.
    func commits() async throws -> Int64 {
        try await connection.query("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", [.text(database)]).int64(0, 0) ?? 0
    }

    /// CPU seconds (user + system) the backends of the database used so far, by pid.
    func backendCPU() async throws -> [String: Double] {
        let rows = try await connection.query("SELECT pid FROM pg_stat_activity WHERE datname = $1", [.text(database)])
        var cpu: [String: Double] = [:]
        for row in rows.rows {
            guard let pid = row.first ?? nil else { continue }
            cpu[pid] = processCPU("/proc/\(pid)/stat")
        }
        return cpu
    }

    /// The statements since ``enableStatements()``: calls per run and mean time of each (the
    /// `limit` most called), and the total calls.
    func statements(runs: Int, limit: Int = 25) async throws -> (total: Int64, top: [[String: Any]]) {
        let rows = try await connection.query("""
            SELECT calls, mean_exec_time, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) AND query NOT LIKE '%pg_stat_%'
            ORDER BY calls DESC
            """, [.text(database)])
        var total: Int64 = 0
        var top: [[String: Any]] = []
        for index in rows.rows.indices {
            let calls = rows.int64(index, 0) ?? 0
            total += calls
            guard top.count < limit else { continue }
            top.append(["calls": calls, "per_run": Double(calls) / Double(max(1, runs)),
                        "mean_ms": Double(rows.text(index, 1) ?? "") ?? 0, "query": String((rows.text(index, 2) ?? "").prefix(160))])
        }
        return (total, top)
    }

    func close() async { await connection.close() }
}

/// User + system CPU seconds of a process from its `/proc/PID/stat` (0 when it is gone).
func processCPU(_ path: String) -> Double {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
