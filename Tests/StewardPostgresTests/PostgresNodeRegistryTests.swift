import Foundation
import StewardJobs
import StewardPostgres
import TestSupport
import Testing

/// The node registry and the rescue of a silent node's runs, on a real server: leases renewed by
/// heartbeats, runs of a node that stopped heartbeating crashed with `node lost` by another node
/// within the lease, and the silent node told on its next heartbeat, fenced off from finishing them.
@Suite("Postgres: node registry, heartbeats and rescue", .timeLimit(.minutes(5)))
struct PostgresNodeRegistryTests {
    @Test("a node that stops heartbeating: its runs are rescued within the lease, its next heartbeat lists them lost, its finish is refused")
    func rescue() async throws {
        let cluster = try await StoreCluster(nodes: ["silent", "live"]) { PostgresJournalOptions(node: $0, lease: .seconds(120)) }
        let (silent, live) = (cluster.stores[0], cluster.stores[1])
        #expect(try await silent.join(version: "1.0", reason: "supervisor restart").isEmpty)
        #expect(try await live.join(version: "1.0", reason: "supervisor restart").isEmpty)
        for index in 0..<3 { try await silent.createRun(manualRun("s\(index)")) }
        try await live.createRun(manualRun("l0", job: "other"))
        let mine = try await silent.claim(["work": .allow], limit: 5)
        #expect(mine.map(\.runId) == ["s0", "s1", "s2"] && mine.allSatisfy { $0.node == "silent" })
        #expect(try await live.claim(["other": .allow], limit: 5).map(\.runId) == ["l0"])
        // Live: heartbeats renew everything; nothing is lost, nothing is rescued.
        #expect(try await silent.heartbeat() == SharedHeartbeat())
        #expect(try await live.heartbeat() == SharedHeartbeat())
        #expect(try await live.rescue().isEmpty)
        let nodes = try await live.nodes()
        #expect(nodes.map(\.name) == ["live", "silent"])
        #expect(nodes.map(\.runningRuns) == [1, 3])
        #expect(nodes[1].version == "1.0" && nodes[1].pid == getpid() && nodes[1].host != nil && !nodes[1].stopped)
        // The silent node's last heartbeat gives its runs a short lease (as a heartbeat with a
        // lease of 600 ms would); then it says nothing more while the live one heartbeats and rescues.
        try await live.connection.query("UPDATE steward.nodes SET heartbeat_at = steward.now_ms() WHERE name = 'silent'")
        try await live.connection.query("""
            UPDATE steward.runs SET lease_expires_at = steward.now_ms() + 600 WHERE node = 'silent' AND state = 'running'
            """)
        var rescued: [RunRecord] = []
        let done = await eventually(seconds: 20) {
            _ = try? await live.heartbeat()
            rescued += (try? await live.rescue()) ?? []
            return rescued.count >= 3
        }
        #expect(done)
        // Not before the lease ran out, by the database's clock: the last heartbeat plus 600 ms.
        let lastHeartbeat = try #require(try await live.connection.query("SELECT heartbeat_at FROM steward.nodes WHERE name = 'silent'").int64(0, 0))
        for run in rescued {
            let finished = Int64(((run.finishedAt?.timeIntervalSince1970 ?? 0) * 1000).rounded())
            #expect(finished - lastHeartbeat >= 600, "rescued \(finished - lastHeartbeat) ms after the last heartbeat")
        }
        #expect(Set(rescued.map(\.runId)) == ["s0", "s1", "s2"])
        #expect(rescued.allSatisfy { $0.state == .crashed && $0.error == "node lost" && $0.finishedAt != nil && $0.node == "silent" })
        #expect(try await live.run("l0")?.state == .running)
        #expect(try await live.rescue().isEmpty, "each run is rescued once")
        // The silent node wakes: it learns what it lost, and cannot overwrite the rescued records.
        #expect(try await silent.heartbeat().lost == ["s0", "s1", "s2"])
        do {
            try await silent.finishRun(finished(mine[0]))
            Issue.record("a rescued run was overwritten")
        } catch {
            #expect(error.kind == .conflict)
            #expect(error.message.contains("rescued by another node"), "\(error)")
        }
        var progressed = mine[1]
        progressed.lastCompletedStep = "late"
        await #expect(throws: RunStoreError.self) { try await silent.updateRun(progressed) }
        try await silent.updateProgress("s2", RunProgress(message: "late", fraction: 0.9))
        #expect(try await live.run("s0")?.state == .crashed)
        #expect(try await live.run("s1")?.lastCompletedStep == nil)
        #expect(try await live.run("s2")?.progress.message == nil)
        await cluster.stop()
    }

    @Test("join crashes only this node's own leftover runs; leave marks the node stopped")
    func joinAndLeave() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b"])
        let (a, b) = (cluster.stores[0], cluster.stores[1])
        _ = try await a.join(version: "1", reason: "supervisor restart")
        _ = try await b.join(version: "1", reason: "supervisor restart")
        try await a.createRun(manualRun("a1"))
        try await a.createRun(manualRun("b1", job: "other"))
        _ = try await a.claim(["work": .allow], limit: 1)
        _ = try await b.claim(["other": .allow], limit: 1)
        // Another store with a's name, while a heartbeats: refused, naming the holder; nothing changes.
        let again = try await cluster.open(PostgresJournalOptions(node: "a"))
        do {
            _ = try await again.join(version: "2", reason: "supervisor restart")
            Issue.record("a second live store joined under a's name")
        } catch {
            #expect(error.kind == .conflict)
            #expect(error.message.contains("held by another live steward") && error.message.contains("pid \(getpid())"), "\(error)")
        }
        #expect(!again.health.isHealthy && again.health.reason?.contains("journal.node") == true)
        #expect(try await again.run("a1")?.state == .running)
        // Node a dies (silent past its lease): its restart takes the name and crashes a's leftovers.
        await a.close()
        try await b.connection.query("UPDATE steward.nodes SET heartbeat_at = heartbeat_at - 600000 WHERE name = 'a'")
        let crashed = try await again.join(version: "2", reason: "supervisor restart")
        #expect(crashed.map(\.runId) == ["a1"] && crashed[0].state == .crashed && crashed[0].error == "supervisor restart")
        #expect(again.health.isHealthy)
        #expect(try await again.run("b1")?.state == .running)
        await again.leave()
        let nodes = try await b.nodes()
        #expect(nodes.first { $0.name == "a" }?.stopped == true && nodes.first { $0.name == "a" }?.version == "2")
        #expect(nodes.first { $0.name == "b" }?.stopped == false)
        await again.close()
        await cluster.stop()
    }
}
