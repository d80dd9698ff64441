import Foundation
import StewardPostgres
import TestSupport
import Testing

/// Connections against a real PostgreSQL server started for the suite's tests: logins (good,
/// wrong password, unreachable), parameterized statements, SQLSTATE errors, transactions,
/// reconnection after the server restarts, LISTEN/NOTIFY.
@Suite("Postgres: connections, errors, transactions, LISTEN/NOTIFY", .timeLimit(.minutes(5)))
struct PostgresConnectionTests {
    @Test("a wrong password and an unreachable server are connection errors that do not show the password")
    func loginFailures() async throws {
        let server = try await TestPostgresServer()
        let wrong = try PostgresConnection(try PostgresConfiguration(parsing: server.url(password: "not-the-pass-42")))
        await #expect(throws: PostgresError.self) { try await wrong.connect() }
        do {
            try await wrong.connect()
        } catch {
            #expect(error.kind == .connection)
            #expect(error.message.contains("password authentication failed"), "\(error)")
            #expect(!error.description.contains("not-the-pass-42"))
        }
        await wrong.close()
        let port = try TestPostgresServer.freePort()
        let nowhere = try PostgresConnection(try PostgresConfiguration(parsing: "postgresql://u:pw@127.0.0.1:\(port)/db?connect_timeout=5"))
        await #expect(throws: PostgresError.self) { try await nowhere.connect() }
        await nowhere.close()
        let right = try PostgresConnection(try PostgresConfiguration(parsing: server.url(password: TestPostgresServer.password)))
        let rows = try await right.query("SELECT current_user")
        #expect(rows.text(0, 0) == TestPostgresServer.user)
        await right.close()
        await server.stop()
    }

    @Test("the password from a file and from the environment")
    func passwordSources() async throws {
        let server = try await TestPostgresServer()
        let file = server.directory.file("secret")
        try (TestPostgresServer.password + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        let fromFile = try PostgresConnection(try PostgresConfiguration(parsing: server.url() + "?password_file=\(file)"))
        #expect(try await fromFile.query("SELECT 1").text(0, 0) == "1")
        await fromFile.close()
        setenv("STEWARD_TEST_PG_SECRET", TestPostgresServer.password, 1)
        let fromEnvironment = try PostgresConnection(try PostgresConfiguration(parsing: server.url() + "?password_env=STEWARD_TEST_PG_SECRET"))
        #expect(try await fromEnvironment.query("SELECT 2").text(0, 0) == "2")
        await fromEnvironment.close()
        await server.stop()
    }

    @Test("parameters, NULLs, a unique violation's SQLSTATE, a transaction rolled back on error")
    func statements() async throws {
        let server = try await TestPostgresServer()
        let connection = try PostgresConnection(try PostgresConfiguration(parsing: server.socketConnection()))
        try await connection.query("CREATE TABLE t (k text PRIMARY KEY, n bigint, note text)")
        let inserted = try await connection.query("INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)",
                                                  [.text("a'; DROP TABLE t; --"), .integer(1), .null, .text("b"), .integer(-2), .text("x")])
        #expect(inserted.affected == 2)
        let rows = try await connection.query("SELECT k, n, note FROM t WHERE n < $1 ORDER BY n", [.integer(5)])
        #expect(rows.rows == [["b", "-2", "x"], ["a'; DROP TABLE t; --", "1", nil]])
        do {
            try await connection.query("INSERT INTO t (k) VALUES ($1)", [.text("b")])
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.kind == .query && error.isUniqueViolation, "\(error)")
        }
        do {
            _ = try await connection.transaction { session throws(PostgresError) in
                try session.query("INSERT INTO t (k) VALUES ('c')")
                try session.query("SELECT 1/0")
            }
            Issue.record("division by zero succeeded")
        } catch {
            #expect(error.sqlState == "22012", "\(error)")
        }
        #expect(try await connection.query("SELECT count(*) FROM t").text(0, 0) == "2")
        let count = try await connection.transaction { session throws(PostgresError) in
            try session.query("INSERT INTO t (k) VALUES ('c')")
            return try session.query("SELECT count(*) FROM t").int64(0, 0)
        }
        #expect(count == 3)
        await connection.close()
        await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        await server.stop()
    }

    @Test("after the server restarts, the connection reconnects (with backoff) and works again")
    func reconnects() async throws {
        let server = try await TestPostgresServer()
        let connection = try PostgresConnection(try PostgresConfiguration(parsing: server.socketConnection()),
                                                backoff: PostgresBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
        #expect(try await connection.query("SELECT 1").text(0, 0) == "1")
        await server.stop()
        do {
            try await connection.query("SELECT 1")
            Issue.record("a query succeeded with the server stopped")
        } catch {
            #expect(error.isConnectionLoss, "\(error)")
        }
        try await server.start()
        let back = await eventually(seconds: 20) { (try? await connection.query("SELECT 3").text(0, 0)) == "3" }
        #expect(back)
        await connection.close()
        await server.stop()
    }

    @Test("LISTEN: notifications arrive; after a server restart the listener reports the loss, listens again and receives")
    func listen() async throws {
        let server = try await TestPostgresServer()
        let configuration = try PostgresConfiguration(parsing: server.socketConnection())
        let listener = try PostgresListener(configuration, channels: ["steward runs", "other"],
                                            backoff: PostgresBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
        var events = listener.events.makeAsyncIterator()
        #expect(await events.next() == .listening)
        let sender = try PostgresConnection(configuration, backoff: PostgresBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
        try await sender.query("SELECT pg_notify($1, $2)", [.text("steward runs"), .text("run-1")])
        try await sender.query("NOTIFY other")
        guard case .notification(let first) = await events.next() else { Issue.record("no notification"); return }
        #expect(first.channel == "steward runs" && first.payload == "run-1")
        guard case .notification(let second) = await events.next() else { Issue.record("no notification"); return }
        #expect(second.channel == "other" && second.payload == "")
        await server.stop()
        guard case .lost = await events.next() else { Issue.record("the loss was not reported"); return }
        try await server.start()
        var listening = false
        while let event = await events.next() {
            if event == .listening { listening = true; break }
        }
        #expect(listening)
        let sent = await eventually { (try? await sender.query("SELECT pg_notify('other', 'again')")) != nil }
        #expect(sent)
        guard case .notification(let third) = await events.next() else { Issue.record("no notification after the restart"); return }
        #expect(third.payload == "again")
        listener.close()
        #expect(await events.next() == nil)
        await sender.close()
        await server.stop()
    }

    @Test("blocking calls stay off Swift's cooperative pool: three statements sleeping in the server do not stop a fourth connection")
    func blockingOffThePool() async throws {
        let server = try await TestPostgresServer()
        let configuration = try PostgresConfiguration(parsing: server.socketConnection())
        let sleepers = try (0..<3).map { _ in try PostgresConnection(configuration) }
        let tasks = sleepers.map { sleeper in
            Task { () -> PostgresError? in
                do throws(PostgresError) {
                    try await sleeper.query("SELECT pg_sleep(600)")
                    return nil
                } catch {
                    return error
                }
            }
        }
        // With libpq on the pool (two threads here), this would never run.
        let observer = try PostgresConnection(configuration)
        let asleep = await eventually {
            (try? await observer.query("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)' AND state = 'active'")
                .int64(0, 0)) == 3
        }
        #expect(asleep)
        try await observer.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)'")
        for task in tasks {
            let error = await task.value
            #expect(error?.sqlState == "57014", "\(String(describing: error))")
        }
        for connection in sleepers + [observer] { await connection.close() }
        await server.stop()
    }
}
