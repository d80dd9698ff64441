import Foundation
import StewardPostgres
import TestSupport
import Testing

/// Migrations on a real server: several nodes migrating at once apply each version once; a
/// newer database is refused; the fire key makes a second insert of the same fire fail.
@Suite("Postgres: schema migrations", .timeLimit(.minutes(5)))
struct PostgresSchemaTests {
    @Test("five nodes migrating one fresh database at once: all succeed, each version applied once")
    func concurrentMigrations() async throws {
        let server = try await TestPostgresServer()
        let configuration = try PostgresConfiguration(parsing: server.socketConnection())
        let connections = try (0..<5).map { _ in try PostgresConnection(configuration) }
        for connection in connections { try await connection.connect() }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask {
                    try await connection.withSession { session throws(PostgresError) in
                        try PostgresSchema.migrate(session, node: "node-\(index)").from
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == [0] + Array(repeating: PostgresSchema.currentVersion, count: 4))
        let versions = try await connections[0].query("SELECT version, applied_by FROM steward.schema_version")
        #expect(versions.rows.count == PostgresSchema.currentVersion)
        let tables = try await connections[0].query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'steward' ORDER BY table_name")
        #expect(tables.rows.map { $0[0] } == ["audit", "job_state", "nodes", "run_log", "run_steps", "runs", "schema_version"])
        let again = try await connections[1].withSession { session throws(PostgresError) in try PostgresSchema.migrate(session) }
        #expect(again.from == PostgresSchema.currentVersion && again.to == PostgresSchema.currentVersion)
        for connection in connections { await connection.close() }
        await server.stop()
    }

    @Test("a database of a newer schema is refused by migrate and check, with a clear error, and left as it is")
    func newerSchema() async throws {
        let server = try await TestPostgresServer()
        let connection = try PostgresConnection(try PostgresConfiguration(parsing: server.socketConnection()))
        #expect(try await connection.withSession { session throws(PostgresError) in try PostgresSchema.check(session) } == 0)
        try await connection.withSession { session throws(PostgresError) in _ = try PostgresSchema.migrate(session) }
        try await connection.query("INSERT INTO steward.schema_version (version) VALUES (99)")
        for attempt in ["migrate", "check"] {
            do {
                try await connection.withSession { session throws(PostgresError) in
                    if attempt == "migrate" { _ = try PostgresSchema.migrate(session) } else { _ = try PostgresSchema.check(session) }
                }
                Issue.record("\(attempt) accepted a newer schema")
            } catch {
                #expect(error.kind == .schema)
                #expect(error.message.contains("database schema v99 is newer than this steward (v\(PostgresSchema.currentVersion))"), "\(error)")
            }
        }
        #expect(try await connection.query("SELECT count(*) FROM steward.schema_version").int64(0, 0) == Int64(PostgresSchema.currentVersion) + 1)
        await connection.close()
        await server.stop()
    }

    @Test("the fire key: a second schedule run of the same job and instant is a unique violation; other triggers are not keyed")
    func fireKey() async throws {
        let server = try await TestPostgresServer()
        let connection = try PostgresConnection(try PostgresConfiguration(parsing: server.socketConnection()))
        try await connection.withSession { session throws(PostgresError) in _ = try PostgresSchema.migrate(session) }
        let insert = """
            INSERT INTO steward.runs (run_id, job_id, state, trigger, created_at, scheduled_for, attempt)
            VALUES ($1, 'nightly', 'queued', $2, steward.now_ms(), 1000, 1)
            """
        try await connection.query(insert, [.text("r1"), .text("schedule")])
        do {
            try await connection.query(insert, [.text("r2"), .text("schedule")])
            Issue.record("the same fire was inserted twice")
        } catch {
            #expect(error.isUniqueViolation, "\(error)")
        }
        try await connection.query(insert, [.text("r3"), .text("later")])
        try await connection.query(insert, [.text("r4"), .text("retry")])
        #expect(try await connection.query("SELECT count(*) FROM steward.runs").int64(0, 0) == 3)
        await connection.close()
        await server.stop()
    }
}
