import Foundation
import StewardPostgres
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several real `steward run`s sharing one real PostgreSQL journal: the guarantees of a shared
/// journal, checked on the database's own records.
extension SharedJournalClusters {
@Suite("Shared journal: several stewards on one PostgreSQL", .timeLimit(.minutes(4)))
struct ClusterTests {
    /// A cluster of `names` on a fresh server, each node with `jobs`.
    static func cluster(_ names: [String], jobs: String, journal: String = "") async throws -> Cluster {
        try await Cluster(names, jobs: jobs, journal: journal)
    }

    /// The milliseconds since the epoch now.
    static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test("three stewards, a per-second cron job for 60 s: exactly one run per second, none doubled")
    func oneRunPerSecond() async throws {
        let cluster = try await Self.cluster(["a", "b", "c"], jobs: #"tick: { schedule: "* * * * * *", command: ["true"] }"#)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let from = Self.nowMs + 2000
        try await Task.sleep(for: .seconds(62))
        let to = Self.nowMs - 2000
        for node in nodes { #expect(await node.stop()?.exitCode == 0, "\(node.name): \(node.log.suffix(1500))") }
        let fires = try await probe.rows("""
            SELECT scheduled_for, count(*), string_agg(node, ',') FROM steward.runs WHERE job_id = 'tick' AND trigger = 'schedule'
                AND scheduled_for BETWEEN \(from) AND \(to) GROUP BY scheduled_for ORDER BY scheduled_for
            """)
        let expected = Int((to / 1000) - ((from + 999) / 1000) + 1)
        #expect(fires.count == expected, "fires in the window: \(fires.count), seconds: \(expected)")
        #expect(fires.allSatisfy { $0[1] == "1" }, "doubled: \(fires.filter { $0[1] != "1" })")
        // Every fire of the window ran and succeeded (one admitted as the last node stopped may
        // stay queued for the next start: it is after the window).
        let failed = try await probe.rows("""
            SELECT run_id, state, node FROM steward.runs WHERE job_id = 'tick' AND state <> 'succeeded'
                AND scheduled_for BETWEEN \(from) AND \(to)
            """)
        #expect(failed.isEmpty, "\(failed)")
        let perNode = try await probe.rows("SELECT node, count(*) FROM steward.runs WHERE job_id = 'tick' GROUP BY node ORDER BY node")
        print("one run per second: \(fires.count) fires; per node: \(perNode.map { "\($0[0] ?? "-")=\($0[1] ?? "0")" }.joined(separator: " "))")
        await probe.close()
    }

    @Test("fifty simultaneous triggers spread over three nodes, overlap skip: one run, forty-nine skipped")
    func fiftyTriggersOneRun() async throws {
        let cluster = try await Self.cluster(["a", "b", "c"], jobs: #"slow: { command: ["sleep", "5"], overlap: "skip" }"#)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let triggers = try (0..<50).map { index in
            try ChildProgram([StewardNode.steward, "trigger", "slow", "-q", "--socket", nodes[index % 3].socket])
        }
        var codes: [Int32?] = []
        for trigger in triggers { codes.append(await trigger.waitForExit()?.exitCode) }
        // `steward trigger` exits 1 for a run the overlap policy skipped.
        #expect(codes.filter { $0 == 0 }.count == 1 && codes.filter { $0 == 1 }.count == 49, "\(codes)")
        let states = try await probe.rows("SELECT state, count(*) FROM steward.runs WHERE job_id = 'slow' GROUP BY state ORDER BY state")
        let counts = Dictionary(uniqueKeysWithValues: states.map { ($0[0] ?? "", Int($0[1] ?? "0") ?? 0) })
        #expect(counts["skipped"] == 49, "\(counts)")
        #expect(counts.filter { $0.key != "skipped" }.values.reduce(0, +) == 1, "\(counts)")
        for node in nodes { await node.stop() }
        await probe.close()
    }

    @Test("a node killed mid-run: its run is crashed (node lost) within the lease and retried on another node")
    func killedNodeIsRescued() async throws {
        let marker = "/tmp/steward-rescue-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(marker) }
        // The first attempt marks and then runs long; the retry finds the mark and succeeds.
        let cluster = try await Self.cluster(["a", "b", "c"], jobs: """
            work: { command: ["sh", "-c", "if [ -e \(marker) ]; then exit 0; fi; touch \(marker); exec sleep 20"], retries: 1, retryBackoff: "100ms" }
            """)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let trigger = await nodes[0].cli(["trigger", "work", "-q"])
        let runId = try #require(trigger.lines.first, "\(trigger)")
        let victim = try #require(await cluster.owner(of: runId), "the run never ran")
        await victim.kill()
        let killedAt = Self.nowMs
        let rescued = await eventually(seconds: 15) {
            (try? await probe.integer("SELECT count(*) FROM steward.runs WHERE run_id = '\(runId)' AND state = 'crashed' AND error = 'node lost'")) == 1
        }
        let seen = try await probe.rows("SELECT state, error, node FROM steward.runs WHERE run_id = '\(runId)'")
        #expect(rescued, "not rescued: \(seen)")
        print("rescued \(Self.nowMs - killedAt) ms after the kill")
        var retry: [String?] = []
        #expect(await eventually(seconds: 20) {
            retry = (try? await probe.rows("SELECT state, node, attempt FROM steward.runs WHERE retry_of = '\(runId)'").first) ?? []
            return retry.first == "succeeded"
        }, "retry: \(retry)")
        #expect(retry.count == 3 && retry[1] != victim.name && retry[2] == "2", "\(retry)")
        // Restarted, the killed node joins again; the rescued run stays as it was.
        try await victim.start()
        #expect(try await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(runId)'") == ["crashed"])
        for node in nodes { await node.stop() }
        await probe.close()
    }

    @Test("a node paused past its lease, then continued: the rescued run's record is never overwritten")
    func pausedNodeIsFenced() async throws {
        let cluster = try await Self.cluster(["a", "b"], jobs: #"hold: { command: ["sh", "-c", "sleep 2; echo finished"] }"#)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let runId = try #require(await nodes[0].cli(["trigger", "hold", "-q"]).lines.first)
        let paused = try #require(await cluster.owner(of: runId), "the run never ran")
        paused.signal(SIGSTOP)
        #expect(await eventually(seconds: 15) {
            (try? await probe.integer("SELECT count(*) FROM steward.runs WHERE run_id = '\(runId)' AND state = 'crashed' AND error = 'node lost'")) == 1
        })
        // The others list it silent (no heartbeat for longer than the lease), themselves alive.
        let watcher = try #require(nodes.first { $0.name != paused.name })
        let listed = await watcher.cli(["nodes"]).lines
        #expect(listed.contains { $0.hasPrefix(paused.name + " ") && $0.contains(" silent ") }, "\(listed)")
        #expect(listed.contains { $0.hasPrefix(watcher.name + " ") && $0.contains(" alive ") }, "\(listed)")
        try await Task.sleep(for: .milliseconds(2500))  // the paused node's command ends meanwhile (its end waits for SIGCONT)
        paused.signal(SIGCONT)
        #expect(await eventually(seconds: 20) { paused.log.contains("another node rescued it") }, "\(paused.log.suffix(2000))")
        let record = try await probe.rows("SELECT state, error, node FROM steward.runs WHERE run_id = '\(runId)'")
        #expect(record.first == ["crashed", "node lost", paused.name], "\(record)")
        #expect(paused.isRunning)
        #expect(await paused.cli(["status"]).status == 0)
        for node in nodes { await node.stop() }
        await probe.close()
    }

    @Test("a run is stopped from another node than the one running it")
    func stopFromAnotherNode() async throws {
        let cluster = try await Self.cluster(["a", "b"], jobs: #"long: { command: ["sleep", "30"] }"#)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let runId = try #require(await nodes[0].cli(["trigger", "long", "-q"]).lines.first)
        let owner = try #require(await cluster.owner(of: runId), "the run never ran")
        let other = try #require(nodes.first { $0.name != owner.name })
        let stop = await other.cli(["run", "stop", String(runId.prefix(8))])
        #expect(stop.status == 0, "\(stop.lines)")
        let stopped = await eventually(seconds: 15) {
            (try? await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(runId)'")) == ["stopped"]
        }
        let seen = try await probe.rows("SELECT state, error, node FROM steward.runs WHERE run_id = '\(runId)'")
        #expect(stopped, "\(seen)")
        #expect(try await probe.column("SELECT node FROM steward.runs WHERE run_id = '\(runId)'") == [owner.name])
        // A queued run (for later) is stopped from any node at once.
        let later = try #require(await nodes[0].cli(["trigger", "long", "--in", "1h", "-q"]).lines.first)
        #expect(await nodes[1].cli(["run", "stop", later]).status == 0)
        #expect(try await probe.column("SELECT state FROM steward.runs WHERE run_id = '\(later)'") == ["stopped"])
        for node in nodes { await node.stop() }
        await probe.close()
    }

    @Test("a job disabled on one node stops firing on every node, while they keep firing their other jobs; enabled on another, it fires again")
    func jobChangesReachEveryNode() async throws {
        let cluster = try await Self.cluster(["a", "b", "c"], jobs: """
            tick: { schedule: "* * * * * *", command: ["true"] },
            tock: { schedule: "* * * * * *", command: ["true"] }
            """)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        try await Task.sleep(for: .seconds(2))
        #expect(await nodes[0].cli(["jobs", "disable", "tick"]).status == 0)
        let disabled = Self.nowMs
        // Every node shows it disabled (the change reached them), and fires of it stop everywhere
        // while tock goes on: a node's own fire progress never undoes the change.
        for node in nodes {
            var table: [String] = []
            let shown = await eventually(seconds: 10) {
                table = await node.cli(["jobs"]).lines
                return table.first { $0.hasPrefix("tick") }?.contains("disabled") ?? false
            }
            #expect(shown, "\(node.name): \(table)")
        }
        try await Task.sleep(for: .seconds(4))
        let late = try await probe.integer("SELECT count(*) FROM steward.runs WHERE job_id = 'tick' AND scheduled_for > \(disabled + 1500)")
        let tocks = try await probe.integer("SELECT count(*) FROM steward.runs WHERE job_id = 'tock' AND scheduled_for > \(disabled + 1500)")
        #expect(late == 0, "tick fired \(late) time(s) after it was disabled")
        #expect(tocks >= 2)
        #expect(await nodes[2].cli(["jobs", "enable", "tick"]).status == 0)
        let enabled = Self.nowMs
        #expect(await eventually(seconds: 10) {
            ((try? await probe.integer("SELECT count(*) FROM steward.runs WHERE job_id = 'tick' AND scheduled_for > \(enabled + 1000)")) ?? 0) >= 2
        })
        for node in nodes { await node.stop() }
        await probe.close()
    }

    @Test("another process reads the shared journal: runs with their node, a run, its log, the nodes; while the stewards run and after")
    func readFromAnotherProcess() async throws {
        let cluster = try await Self.cluster(["a", "b"], jobs: #"hello: { command: ["sh", "-c", "echo hello from $STEWARD_JOB"] }"#)
        let (nodes, probe) = (cluster.nodes, cluster.probe)
        let connection = cluster.server.socketConnection()
        let runId = try #require(await nodes[0].cli(["trigger", "hello", "-q"]).lines.first)
        let wait = try ChildProgram([StewardNode.steward, "run", "wait", runId, "--journal", connection, "--timeout", "20s"])
        #expect(await wait.waitForExit()?.exitCode == 0, "\(wait.lines)")
        let owner = try #require(try await probe.column("SELECT node FROM steward.runs WHERE run_id = '\(runId)'").first ?? nil)
        let runs = try ChildProgram([StewardNode.steward, "runs", "--journal", connection])
        #expect(await runs.waitForExit()?.exitCode == 0)
        #expect(runs.lines.first?.contains("NODE") == true && runs.lines.contains { $0.hasPrefix(runId) && $0.contains(" \(owner) ") },
                "\(runs.lines)")
        let logs = try ChildProgram([StewardNode.steward, "run", "logs", String(runId.prefix(8)), "--journal", connection])
        #expect(await logs.waitForExit()?.exitCode == 0)
        #expect(logs.lines.contains("hello from hello"), "\(logs.lines)")
        for node in nodes { await node.stop() }
        let listed = try ChildProgram([StewardNode.steward, "nodes", "--journal", connection])
        #expect(await listed.waitForExit()?.exitCode == 0)
        #expect(listed.lines.count == 3 && listed.lines.dropFirst().allSatisfy { $0.contains(" left ") }, "\(listed.lines)")
        let file = try ChildProgram([StewardNode.steward, "nodes", "--journal", cluster.directory.file("journal.sqlite")])
        #expect(await file.waitForExit()?.exitCode == 1)
        await probe.close()
    }
}
}
