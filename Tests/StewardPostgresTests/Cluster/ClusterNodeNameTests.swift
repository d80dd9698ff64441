import Foundation
import StewardPostgres
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Two stewards given one node name (one config started twice, a copied `journal.node`): the
/// name is one steward's at a time, so neither crashes nor runs the other's runs.
extension SharedJournalClusters {
@Suite("Shared journal: one node name, two stewards", .timeLimit(.minutes(3)))
struct ClusterNodeNameTests {
    static let jobs = #"""
        long: { command: ["sleep", "3"] },
        hang: { command: ["sleep", "60"] },
        who: { command: ["sh", "-c", "echo ppid=$PPID"] }
        """#

    /// The registry's process id for node `name`.
    static func holder(_ probe: JournalProbe, _ name: String) async throws -> String? {
        try await probe.column("SELECT pid FROM steward.nodes WHERE name = '\(name)'").first ?? nil
    }

    /// Triggers `who` through `via` and returns the process id that ran it (its command's parent).
    static func runner(via node: StewardNode, readingWith reader: StewardNode) async throws -> String? {
        let runId = try #require(await node.cli(["trigger", "who", "-q"]).lines.first)
        var log: [String] = []
        _ = await eventually(seconds: 20) {
            log = await reader.cli(["run", "logs", runId]).lines
            return log.contains { $0.contains("ppid=") }
        }
        return log.first { $0.contains("ppid=") }.flatMap { $0.components(separatedBy: "ppid=").last }
    }

    @Test("a second steward with a live node's name is refused (its journal says why) and touches none of its runs; it takes the name once the first stops")
    func twinRefusedThenTakesOver() async throws {
        let cluster = try await Cluster(["a"], jobs: Self.jobs)
        let (first, probe) = (cluster.nodes[0], cluster.probe)
        let long = try #require(await first.cli(["trigger", "long", "-q"]).lines.first)
        #expect(await eventually(seconds: 20) {
            (try? await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(long)'")) == ["running"]
        })

        let twin = try StewardNode("a-twin", in: cluster.directory, connection: cluster.server.socketConnection(), jobs: Self.jobs, node: "a")
        try await twin.start(journalReady: false)
        var health: [String] = []
        #expect(await eventually(seconds: 20) {
            health = await twin.cli(["health"]).lines
            return health.contains { $0.hasPrefix("[-]journal") && $0.contains("held by another live steward") && $0.contains("pid \(first.pid ?? 0)") }
        }, "\(health)")
        #expect(twin.log.contains("not joining the shared journal"), "\(twin.log.suffix(2000))")
        // The first steward's run ends as it would have: the twin crashed nothing.
        #expect(await eventually(seconds: 20) {
            (try? await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(long)'")) == ["succeeded"]
        })
        #expect(try await Self.holder(probe, "a") == "\(first.pid ?? 0)")
        // A run triggered through the twin is admitted, and run by the member, not the twin.
        #expect(try await Self.runner(via: twin, readingWith: first) == "\(first.pid ?? 0)")

        #expect(await first.stop()?.exitCode == 0, "\(first.log.suffix(2000))")
        #expect(await eventually(seconds: 20) { await twin.cli(["health"]).lines.contains { $0.hasPrefix("[+]journal") } })
        #expect(twin.log.contains("the node name is free again"), "\(twin.log.suffix(2000))")
        #expect(try await Self.holder(probe, "a") == "\(twin.pid ?? 0)")
        #expect(try await Self.runner(via: twin, readingWith: twin) == "\(twin.pid ?? 0)")
        #expect(await twin.stop()?.exitCode == 0)
        await probe.close()
    }

    @Test("a steward paused past its lease while a twin waits: the twin takes the name; the paused one, continued, stands down and overwrites nothing")
    func pausedHolderDisplaced() async throws {
        let cluster = try await Cluster(["a"], jobs: Self.jobs)
        let (first, probe) = (cluster.nodes[0], cluster.probe)
        let twin = try StewardNode("a-twin", in: cluster.directory, connection: cluster.server.socketConnection(), jobs: Self.jobs, node: "a")
        try await twin.start(journalReady: false)
        #expect(await eventually(seconds: 20) { twin.log.contains("not joining the shared journal") }, "\(twin.log.suffix(2000))")
        let hang = try #require(await first.cli(["trigger", "hang", "-q"]).lines.first)
        #expect(await eventually(seconds: 20) {
            (try? await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(hang)'")) == ["running"]
        })

        first.signal(SIGSTOP)
        #expect(await eventually(seconds: 20) { (try? await Self.holder(probe, "a")) == "\(twin.pid ?? 0)" })
        // The twin found the paused steward's run left running under its name: crashed, once.
        #expect(await eventually(seconds: 20) {
            (try? await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(hang)'")) == ["crashed"]
        })
        first.signal(SIGCONT)
        #expect(await eventually(seconds: 20) { first.log.contains("took this node's name over") }, "\(first.log.suffix(2000))")
        // It stands down: no member any more, its journal says why, and the crashed record stands.
        #expect(await eventually(seconds: 20) {
            await first.cli(["health"]).lines.contains { $0.hasPrefix("[-]journal") && $0.contains("pid \(twin.pid ?? 0)") }
        })
        let record = try await probe.rows("SELECT state, node FROM steward.runs WHERE run_id = '\(hang)'")
        #expect(record.first == ["crashed", "a"], "\(record)")
        #expect(first.isRunning)
        #expect(try await Self.runner(via: first, readingWith: twin) == "\(twin.pid ?? 0)")
        #expect(await first.stop()?.exitCode == 0, "\(first.log.suffix(2000))")
        // The paused one's clean stop did not mark the twin's name stopped.
        let stopped = try await probe.column("SELECT stopped_at IS NULL FROM steward.nodes WHERE name = 'a'")
        #expect(stopped == ["t"])
        #expect(await twin.stop()?.exitCode == 0)
        await probe.close()
    }
}
}
