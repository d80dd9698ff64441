import Foundation
import StewardCore
import StewardJobs
import StewardJournal
import StewardPostgres
import TestSupport
import Synchronization
import Testing

/// Opening the shared journal (errors people can act on), its health across a server restart,
/// and retention.
@Suite("Postgres: opening, health and retention of the shared journal", .timeLimit(.minutes(5)))
struct PostgresJournalHealthTests {
    /// The message `open` fails with.
    private func openError(_ text: String, node: String = "a") async -> PostgresError? {
        do {
            let store = try await PostgresRunStore.open(text, options: PostgresJournalOptions(node: node), logger: StoreCluster.quietLogger)
            await store.close()
            return nil
        } catch {
            return error
        }
    }

    @Test("bad input is refused with what to fix: a key, the node name, a wrong password, an unreachable server, a newer schema")
    func openingErrors() async throws {
        let database = try await SharedPostgresServer.shared.database()
        let badKey = await openError("postgresql://u@127.0.0.1/db?sslmod=disable")
        #expect(badKey?.kind == .configuration && badKey?.message.contains("'sslmod'") == true, "\(String(describing: badKey))")
        let badNode = await openError(database.socketConnection, node: "")
        #expect(badNode?.kind == .configuration && badNode?.message.contains("node") == true)
        let wrong = await openError(database.url.replacingOccurrences(of: "steward@", with: "steward:not%20it@"))
        #expect(wrong?.kind == .connection && wrong?.message.contains("wrong password for user 'steward' at 127.0.0.1:\(database.port)") == true,
                "\(String(describing: wrong))")
        #expect(wrong?.description.contains("not it") == false)
        let port = try TestPostgresServer.freePort()
        let unreachable = await openError("postgresql://steward@127.0.0.1:\(port)/postgres?connect_timeout=2")
        #expect(unreachable?.kind == .connection && unreachable?.message.contains("cannot reach 127.0.0.1:\(port)") == true,
                "\(String(describing: unreachable))")
        // A fresh database: the reader finds no journal and creates nothing.
        do {
            let reader = try await PostgresRunStore.openReadOnly(database.socketConnection, logger: StoreCluster.quietLogger)
            await reader.close()
            Issue.record("a reader opened a database without a journal")
        } catch {
            #expect(error.kind == .schema && error.message.contains("no steward journal"), "\(error)")
        }
        let probe = try PostgresConnection(try PostgresConfiguration(parsing: database.socketConnection))
        #expect(try await probe.query("SELECT to_regnamespace('steward') IS NULL").bool(0, 0) == true)
        // A node creates it; a newer steward's schema is refused by nodes and readers alike.
        let store = try await PostgresRunStore.open(database.passwordURL, options: PostgresJournalOptions(node: "a"),
                                                    logger: StoreCluster.quietLogger)
        #expect(!store.location.contains(TestPostgresServer.password) && store.location.contains("password=<hidden>"))
        await store.close()
        try await probe.query("INSERT INTO steward.schema_version (version) VALUES (\(PostgresSchema.currentVersion + 1))")
        let newer = await openError(database.socketConnection)
        let expected = "database schema v\(PostgresSchema.currentVersion + 1) is newer than this steward (v\(PostgresSchema.currentVersion))"
        #expect(newer?.kind == .schema && newer?.message.contains(expected) == true, "\(String(describing: newer))")
        do {
            let reader = try await PostgresRunStore.openReadOnly(database.socketConnection, logger: StoreCluster.quietLogger)
            await reader.close()
            Issue.record("a reader opened a newer schema")
        } catch {
            #expect(error.message.contains(expected))
        }
        await probe.close()
        await database.release()
    }

    @Test("a server restart: the journal turns unhealthy with the reason, writes fail announced, then healthy again and a resync event")
    func restart() async throws {
        let cluster = try await StoreCluster(nodes: ["a"], ownServer: true) {
            PostgresJournalOptions(node: $0, pollInterval: .milliseconds(100), backoff: PostgresBackoff(initial: .milliseconds(50), maximum: .milliseconds(200)))
        }
        let store = cluster.stores[0]
        let server = try #require(cluster.server)
        let changes = Mutex<[Bool]>([])
        let token = store.observeHealth { health in changes.withLock { $0.append(health.isHealthy) } }
        let events = store.events()
        try await store.createRun(manualRun("before"))
        #expect(store.health.isHealthy)
        await server.stop()
        do {
            try await store.createRun(manualRun("during"))
            Issue.record("a write succeeded with the server down")
        } catch {
            #expect(error.kind == .unavailable && error.isAnnounced, "\(error)")
        }
        #expect(!store.health.isHealthy && store.health.reason?.isEmpty == false)
        #expect(changes.withLock { $0 } == [false])
        try await server.start()
        let back = await eventually(seconds: 20) { store.health.isHealthy }
        #expect(back)
        #expect(changes.withLock { $0 }.first == false && changes.withLock { $0 }.contains(true))
        try await store.createRun(manualRun("after"))
        #expect(try await store.runs(RunQuery()).map(\.runId) == ["after", "before"])
        var resynchronized = false
        for await event in events where event == .resynchronize {
            resynchronized = true
            break
        }
        #expect(resynchronized)
        store.removeHealthObserver(token)
        await cluster.stop()
    }

    @Test("opened before the database is there: unhealthy with the reason, calls refused, then migrated, healthy and listening")
    func openWhenReachable() async throws {
        let server = try await TestPostgresServer()
        await server.stop()
        let missingSecret = try PostgresConfiguration(parsing: "host=/tmp password_env=STEWARD_TEST_UNSET_VARIABLE")
        #expect(throws: PostgresError.self) {
            _ = try PostgresRunStore.openWhenReachable(missingSecret, options: PostgresJournalOptions(node: "a"))
        }
        #expect(throws: PostgresError.self) {
            _ = try PostgresRunStore.openWhenReachable(try PostgresConfiguration(parsing: server.socketConnection()),
                                                       options: PostgresJournalOptions(node: "tab\there"))
        }
        let store = try PostgresRunStore.openWhenReachable(
            try PostgresConfiguration(parsing: server.url(password: TestPostgresServer.password)),
            options: PostgresJournalOptions(node: "a", pollInterval: .milliseconds(100)), logger: StoreCluster.quietLogger)
        let events = store.events()
        #expect(!store.health.isHealthy)
        let reason = await eventually(seconds: 10) { store.health.reason?.contains("cannot reach 127.0.0.1:\(server.port)") == true }
        #expect(reason, "\(String(describing: store.health.reason))")
        do {
            try await store.createRun(manualRun("early"))
            Issue.record("a store that never reached its database wrote")
        } catch {
            #expect(error.kind == .unavailable && error.isAnnounced)
        }
        try await server.start()
        let healthy = await eventually(seconds: 20) { store.health.isHealthy }
        #expect(healthy)
        try await store.createRun(manualRun("later"))
        #expect(try await store.run("later")?.state == .queued)
        var resynchronized = false
        for await event in events where event == .resynchronize {
            resynchronized = true
            break
        }
        #expect(resynchronized)
        await store.close()
        await server.stop()
    }

    @Test("retention: old ended runs go in batches with their logs and steps, the newest per job and active runs stay")
    func retention() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b"])
        let store = cluster.stores[0]
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        for index in 0..<25 {
            var old = manualRun("old\(index)", job: index < 20 ? "busy" : "quiet", at: now.addingTimeInterval(-3 * 86_400))
            old.steps = ["one", "two"]
            try await store.createRun(old)
            try await store.appendLog(old.runId, [RunLogEntry(time: now, text: "a"), RunLogEntry(time: now, text: "b")])
            try await store.finishRun(finished(old, .failed))
        }
        try await store.createRun(manualRun("waiting", job: "busy", at: now.addingTimeInterval(-3 * 86_400)))
        var recent = manualRun("recent", job: "busy", at: now.addingTimeInterval(-3600))
        recent.state = .succeeded
        recent.finishedAt = now.addingTimeInterval(-3600)
        try await store.createRun(recent)
        let policy = RetentionPolicy(maximumAge: RetentionPolicy.ages(default: .seconds(86_400)), keepLast: 2, batchSize: 7)
        let reports = Mutex<[RetentionReport]>([])
        let report = try await store.prune(policy, now: now) { report in reports.withLock { $0.append(report) } }
        // busy: 20 old + recent; the newest two ended (recent, old19) stay; quiet: old20…24, the newest two stay.
        #expect(report.runs == 19 + 3 && report.logLines == 44 && report.batches == 4)
        #expect(reports.withLock { $0 }.count == 4)
        let left = Set(try await cluster.stores[1].runs(RunQuery()).map(\.runId))
        #expect(left == ["waiting", "recent", "old19", "old23", "old24"])
        let orphans = try await store.connection.query("""
            SELECT (SELECT count(*) FROM steward.run_log l WHERE NOT EXISTS (SELECT 1 FROM steward.runs r WHERE r.id = l.run))
                 + (SELECT count(*) FROM steward.run_steps s WHERE NOT EXISTS (SELECT 1 FROM steward.runs r WHERE r.id = s.run))
            """)
        #expect(orphans.int64(0, 0) == 0)
        #expect(try await cluster.stores[1].prune(policy, now: now).runs == 0)
        await cluster.stop()
    }
}
