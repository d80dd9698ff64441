import Foundation
import StewardJobs
import StewardPostgres
import TestSupport
import Testing

/// The node registry and the rescue of a silent node's runs, on a real server: leases renewed by
/// heartbeats, runs of a node that stopped heartbeating crashed with `node lost` by another node,
/// and the silent node told on its next heartbeat, fenced off from finishing them.
@Suite("Postgres: node registry, heartbeats and rescue", .timeLimit(.minutes(2)))
struct PostgresNodeRegistryTests {
    @Test("a node that stops heartbeating: its runs are rescued by another node, its next heartbeat lists them lost, its finish is refused")
    func rescue() async throws {
        let server = try await TestPostgresServer()
        let configuration = try PostgresConfiguration(parsing: server.socketConnection())
        let silent = PostgresRunStore(connection: try PostgresConnection(configuration), node: "silent")
        let live = PostgresRunStore(connection: try PostgresConnection(configuration), node: "live")
        try await silent.connection.withSession { session throws(PostgresError) in _ = try PostgresSchema.migrate(session) }
        try await silent.register(version: "1.0", host: "pod-1", pid: 42)
        try await live.register(version: "1.0")
        for index in 0..<3 {
            try await silent.createRun(RunRecord(runId: RunID("s\(index)"), jobId: "job", trigger: .manual(), createdAt: Date()))
        }
        try await live.createRun(RunRecord(runId: "l0", jobId: "job", trigger: .manual(), createdAt: Date()))
        let mine = try await silent.claimNext(limit: 3, lease: .seconds(60))
        _ = try await live.claimRun("l0", startedAt: Date())
        #expect(mine.count == 3 && !mine.contains { $0.runId == "l0" })
        // Live: a heartbeat renews everything; nothing is lost, nothing expired.
        #expect(try await silent.heartbeat(lease: .seconds(60)).isEmpty)
        #expect(try await live.heartbeat(lease: .seconds(60)).isEmpty)
        #expect(try await live.rescueExpired(grace: .seconds(5)).isEmpty)
        let nodes = try await live.nodes()
        #expect(nodes.map(\.name) == ["live", "silent"])
        #expect(nodes.map(\.runningRuns) == [1, 3])
        #expect(nodes[1].host == "pod-1" && nodes[1].pid == 42 && nodes[1].heartbeatAgeMilliseconds >= 0)
        // The silent node renews with a short lease, then says nothing more.
        _ = try await silent.heartbeat(lease: .milliseconds(200))
        var rescued: [RunRecord] = []
        let done = await eventually(seconds: 20) {
            rescued += (try? await live.rescueExpired(grace: .seconds(5))) ?? []
            return rescued.count >= 3
        }
        #expect(done)
        #expect(Set(rescued.map(\.runId)) == ["s0", "s1", "s2"])
        #expect(rescued.allSatisfy { $0.state == .crashed && $0.error == "node lost" && $0.finishedAt != nil })
        #expect(try await live.run("l0")?.state == .running)
        // The silent node wakes: it learns what it lost, and cannot overwrite the rescued records.
        #expect(try await silent.heartbeat(lease: .seconds(60)) == ["s0", "s1", "s2"])
        var late = mine[0]
        late.state = .succeeded
        late.finishedAt = Date()
        await #expect(throws: RunStoreError.self) { try await silent.finishRun(late) }
        #expect(try await live.run(late.runId)?.state == .crashed)
        await silent.connection.close()
        await live.connection.close()
        await server.stop()
    }
}
