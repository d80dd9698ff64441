import Foundation
import StewardPostgres
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Random node kills and restarts while a per-second job fires and runs are triggered by hand;
/// then the journal's invariants, checked on the database's own records.
extension SharedJournalClusters {
@Suite("Shared journal: chaos", .timeLimit(.minutes(4)))
struct ClusterChaosTests {
    @Test("90 s of random kills and restarts of one node at a time: no fire twice, none lost, nothing left running without an owner, every lost run retried")
    func chaos() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["STEWARD_CHAOS_SEED"] ?? "") ?? UInt64.random(in: 0...UInt64.max)
        print("chaos seed \(seed) (replay with STEWARD_CHAOS_SEED=\(seed))")
        var random = SeededGenerator(seed: seed)
        let cluster = try await Cluster(["a", "b", "c"], jobs: """
            tick: { schedule: "* * * * * *", command: ["true"] },
            work: { command: ["sleep", "0.4"], overlap: "allow", retries: 3, retryBackoff: "200ms" }
            """)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let from = Int64(Date().timeIntervalSince1970 * 1000) + 2000
        let end = ContinuousClock.now + .seconds(90)

        // Manual triggers through random nodes all along (a trigger to a node being killed may fail).
        let triggering = Task {
            var random = SeededGenerator(seed: seed ^ 0xFFFF)
            var accepted: [String] = []
            while ContinuousClock.now < end {
                let node = nodes[Int(random.next() % 3)]
                if node.isRunning, let id = await node.cli(["trigger", "work", "-q"]).lines.first, id.count == 36 { accepted.append(id) }
                try? await Task.sleep(for: .milliseconds(300))
            }
            return accepted
        }
        var kills = 0
        while ContinuousClock.now < end - .seconds(6) {
            try await Task.sleep(for: .milliseconds(2000 + Int(random.next() % 3000)))
            let victim = nodes[Int(random.next() % 3)]
            await victim.kill()
            kills += 1
            try await Task.sleep(for: .milliseconds(500 + Int(random.next() % 2500)))
            try await victim.start()
        }
        let accepted = await triggering.value
        try await Task.sleep(for: .seconds(3))
        let to = Int64(Date().timeIntervalSince1970 * 1000) - 2000
        for node in nodes { #expect(await node.stop()?.exitCode == 0, "\(node.name): \(node.log.suffix(1500))") }
        print("chaos: \(kills) kills, \(accepted.count) triggers accepted")

        // No fire twice, and none lost: at least two nodes were alive at every instant.
        let doubled = try await probe.rows("""
            SELECT scheduled_for FROM steward.runs WHERE job_id = 'tick' AND trigger = 'schedule' GROUP BY scheduled_for HAVING count(*) > 1
            """)
        #expect(doubled.isEmpty, "\(doubled)")
        let seconds = try await probe.integer("""
            SELECT count(DISTINCT scheduled_for) FROM steward.runs WHERE job_id = 'tick' AND trigger = 'schedule' AND scheduled_for BETWEEN \(from) AND \(to)
            """)
        #expect(seconds == (to / 1000) - ((from + 999) / 1000) + 1, "fires \(seconds) in \(from)…\(to)")
        // Nothing running once every node stopped cleanly (a killed node's runs were rescued).
        let running = try await probe.rows("SELECT run_id, node FROM steward.runs WHERE state = 'running'")
        #expect(running.isEmpty, "\(running)")
        // Every accepted trigger is one run.
        let known = try await probe.integer("SELECT count(*) FROM steward.runs WHERE run_id = ANY('{\(accepted.joined(separator: ","))}'::text[])")
        #expect(known == Int64(accepted.count))
        // Every run of `work` lost with its node was retried (it has attempts left), exactly once.
        let unretried = try await probe.rows("""
            SELECT r.run_id, r.attempt, r.error FROM steward.runs r WHERE r.job_id = 'work' AND r.state = 'crashed' AND r.attempt < 4
                AND (SELECT count(*) FROM steward.runs t WHERE t.retry_of = r.run_id AND t.trigger = 'retry') <> 1
            """)
        #expect(unretried.isEmpty, "\(unretried)")
        await probe.close()
    }
}
}
