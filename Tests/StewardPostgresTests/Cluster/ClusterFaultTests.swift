import Foundation
import StewardPostgres
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The database goes away, or was never right: stewards go on supervising, say why in
/// `/readyz?verbose`, and lose or double nothing once it is back.
extension SharedJournalClusters {
@Suite("Shared journal: the database restarting, or wrong", .timeLimit(.minutes(3)))
struct ClusterFaultTests {
    static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The journal's line of `steward health` on `node` (`[+]journal…` or `[-]journal…`).
    static func journalHealth(_ node: StewardNode) async -> String? {
        await node.cli(["health"]).lines.first { $0.contains("journal") }
    }

    @Test("PostgreSQL restarted mid-run: supervision goes on, the journal turns unhealthy then healthy, no fire lost or doubled")
    func databaseRestart() async throws {
        let cluster = try await Cluster(["a", "b"], jobs: #"""
            tick: { schedule: "* * * * * *", command: ["true"] },
            long: { command: ["sleep", "7"] }
            """#)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let from = Self.nowMs + 1500
        try await Task.sleep(for: .seconds(2))
        // A run in flight across the outage: it is not rescued from its own live node afterwards
        // (every lease ran out meanwhile), and its end is written once the database is back.
        let long = try #require(await nodes[0].cli(["trigger", "long", "-q"]).lines.first)
        #expect(await eventually(seconds: 10) {
            (try? await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(long)'")) == ["running"]
        })
        try await Task.sleep(for: .seconds(1))
        await cluster.server.stop()
        let down = Self.nowMs
        var health: String?
        #expect(await eventually(seconds: 15) {
            health = await Self.journalHealth(nodes[0])
            return health?.hasPrefix("[-]") == true
        }, "\(health ?? "no journal line")")
        // Processes are still supervised, and steward is still ready (the journal is not critical).
        let status = await nodes[0].cli(["status"])
        #expect(status.status == 0 && status.lines.contains { $0.hasPrefix("keeper") && $0.contains("running") }, "\(status.lines)")
        #expect(await nodes[1].cli(["health"]).status == 0)
        try await Task.sleep(for: .seconds(2))
        try await cluster.server.start()
        let up = Self.nowMs
        #expect(await eventually(seconds: 20) { await Self.journalHealth(nodes[0])?.hasPrefix("[+]") == true })
        #expect(await eventually(seconds: 20) {
            ((try? await probe.integer("SELECT count(*) FROM steward.runs WHERE job_id = 'tick' AND scheduled_for > \(up + 3000)")) ?? 0) > 0
        })
        try await Task.sleep(for: .seconds(2))
        let to = Self.nowMs - 1500
        for node in nodes { #expect(await node.stop()?.exitCode == 0, "\(node.log.suffix(2000))") }
        // Every second of the window has its run: those of the outage were planned again once the
        // database answered (late by less than the misfire threshold, so each runs); none twice.
        let fires = try await probe.rows("""
            SELECT scheduled_for, count(*) FROM steward.runs WHERE job_id = 'tick' AND trigger = 'schedule'
                AND scheduled_for BETWEEN \(from) AND \(to) GROUP BY scheduled_for ORDER BY scheduled_for
            """)
        let expected = Int((to / 1000) - ((from + 999) / 1000) + 1)
        #expect(fires.count == expected, "fires \(fires.count) of \(expected) seconds (outage \(down)…\(up))")
        #expect(fires.allSatisfy { $0[1] == "1" })
        let longEnd = try await probe.rows("SELECT state, error FROM steward.runs WHERE run_id = '\(long)'")
        #expect(longEnd.first?.first == "succeeded", "the run in flight: \(longEnd)")
        let stuck = try await probe.integer("SELECT count(*) FROM steward.runs WHERE state IN ('running', 'queued')")
        #expect(stuck == 0)
        await probe.close()
    }

    @Test("a bad connection string is a config error naming journal.postgres; a wrong password, an unreachable server and a newer schema leave processes supervised and say why")
    func badDatabases() async throws {
        let directory = try TemporaryDirectory("badpg")
        let badURL = directory.file("bad.json5")
        try #"{ journal: { postgres: "postgresql://steward:pw@db:99999/jobs" }, processes: { p: { command: ["sleep", "60"] } }, jobs: { j: { command: ["true"] } } }"#
            .write(toFile: badURL, atomically: true, encoding: .utf8)
        let check = try ChildProgram([StewardNode.steward, "check", badURL])
        #expect(await check.waitForExit()?.exitCode == 78)
        #expect(check.lines.contains { $0.contains("journal.postgres") && $0.contains("port") }, "\(check.lines)")
        #expect(!check.lines.joined().contains("pw@"))

        let server = try await TestPostgresServer()
        let closedPort = try TestPostgresServer.freePort()
        let cases: [(name: String, connection: String, says: String)] = [
            ("wrong-password", server.url(password: "not the password"), "password"),
            ("unreachable", "postgresql://steward@127.0.0.1:\(closedPort)/postgres?connect_timeout=2", "127.0.0.1:\(closedPort)"),
        ]
        for item in cases {
            let node = try StewardNode(item.name, in: directory, connection: item.connection, jobs: #"j: { command: ["true"] }"#)
            try await node.start(journalReady: false)
            var health: String?
            #expect(await eventually(seconds: 20) {
                health = await Self.journalHealth(node)
                return health?.hasPrefix("[-]") == true && health?.contains(item.says) == true
            }, "\(item.name): \(health ?? "no journal line")")
            #expect(!(health ?? "").contains("not the password"))
            let status = await node.cli(["status"])
            #expect(status.lines.contains { $0.hasPrefix("keeper") && $0.contains("running") }, "\(item.name): \(status.lines)")
            let trigger = await node.cli(["trigger", "j"])
            #expect(trigger.status != 0 && trigger.lines.joined().contains("journal"), "\(item.name): \(trigger.lines)")
            #expect(await node.stop()?.exitCode == 0, "\(item.name): \(node.log.suffix(1500))")
        }

        // A database migrated by a newer steward: refused, said, processes untouched.
        let probe = try JournalProbe(server)
        let first = try StewardNode("first", in: directory, connection: server.socketConnection(), jobs: #"j: { command: ["true"] }"#)
        try await first.start()
        #expect(await eventually(seconds: 20) { await Self.journalHealth(first)?.hasPrefix("[+]") == true })
        await first.stop()
        _ = try await probe.rows("INSERT INTO steward.schema_version (version, applied_by) VALUES (99, 'the future')")
        let old = try StewardNode("old", in: directory, connection: server.socketConnection(), jobs: #"j: { command: ["true"] }"#)
        try await old.start(journalReady: false)
        var health: String?
        #expect(await eventually(seconds: 20) {
            health = await Self.journalHealth(old)
            return health?.hasPrefix("[-]") == true && health?.contains("newer") == true
        }, "\(health ?? "no journal line")")
        #expect(await old.cli(["status"]).lines.contains { $0.hasPrefix("keeper") && $0.contains("running") })
        await old.stop()
        await probe.close()
    }
}
}
