import Foundation
import StewardJobs
import StewardPostgres
import TestSupport
import Testing

/// Two stores on one database are two nodes: the fire key, claiming with SKIP LOCKED, fencing
/// and reads, against a real server.
@Suite("Postgres: the run store as several nodes see it", .timeLimit(.minutes(5)))
struct PostgresRunStoreTests {
    private typealias Cluster = StoreCluster

    private func fire(_ id: String, job: String = "nightly", at second: Int) -> RunRecord {
        scheduleFire(id, job: job, at: second)
    }

    @Test("two nodes racing to insert the same fires: exactly one run per fire, the loser told it is a conflict")
    func duplicateFires() async throws {
        let cluster = try await Cluster(nodes: ["a", "b"])
        let outcomes = await withTaskGroup(of: (String, RunStoreError?).self) { group in
            for second in 0..<30 {
                for store in cluster.stores {
                    group.addTask {
                        do throws(RunStoreError) {
                            try await store.createRun(fire("\(store.node)-\(second)", at: second))
                            return (store.node, nil)
                        } catch {
                            return (store.node, error)
                        }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0.1 == nil }.count == 30)
        let failures: [RunStoreError] = outcomes.compactMap { $0.1 }
        #expect(failures.count == 30)
        #expect(failures.allSatisfy { $0.kind == .conflict && $0.message.contains("already a run") }, "\(String(describing: failures.first))")
        let runs = try await cluster.stores[1].runs(RunQuery(jobId: "nightly"))
        #expect(runs.count == 30)
        #expect(Set(runs.compactMap(\.scheduledFor)).count == 30)
        do {
            try await cluster.stores[0].createRun(RunRecord(runId: runs[0].runId, jobId: "other", trigger: .manual(), createdAt: Date()))
            Issue.record("a duplicate run id was accepted")
        } catch {
            #expect(error.kind == .duplicateRun)
        }
        await cluster.stop()
    }

    @Test("three nodes claiming at once with SKIP LOCKED: every due run claimed exactly once, not-yet-due runs left")
    func claimNext() async throws {
        let cluster = try await Cluster(nodes: ["a", "b", "c"])
        for index in 0..<60 {
            try await cluster.stores[index % 3].createRun(RunRecord(runId: RunID("m\(index)"), jobId: "work", trigger: .manual(), createdAt: Date()))
        }
        try await cluster.stores[0].createRun(RunRecord(runId: "future", jobId: "work", trigger: .later(requestedBy: nil),
                                                        createdAt: Date(), scheduledFor: Date().addingTimeInterval(3600)))
        let claimed = try await withThrowingTaskGroup(of: [(String, RunID)].self) { group in
            for store in cluster.stores {
                group.addTask {
                    var mine: [(String, RunID)] = []
                    while true {
                        let batch = try await store.claim(["work": .allow], limit: 4)
                        if batch.isEmpty { return mine }
                        mine += batch.map { (store.node, $0.runId) }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 60)
        #expect(Set(claimed.map(\.1)).count == 60)
        #expect(!claimed.contains { $0.1 == "future" })
        let running = try await cluster.stores[0].runs(RunQuery(states: [.running]))
        #expect(running.count == 60 && running.allSatisfy { $0.startedAt != nil })
        for (node, runId) in claimed.prefix(5) {
            let owner = try await cluster.stores[0].owner(of: runId)
            #expect(owner?.node == node && owner?.claimEpoch == 1)
        }
        await cluster.stop()
    }

    @Test("fencing: a node whose run was rescued and claimed again elsewhere cannot finish it; the record stays the rescuer's")
    func fencing() async throws {
        let cluster = try await Cluster(nodes: ["stalled", "rescuer"])
        let (stalled, rescuer) = (cluster.stores[0], cluster.stores[1])
        try await stalled.createRun(RunRecord(runId: "r1", jobId: "billing", trigger: .manual(), createdAt: Date()))
        var mine = try await stalled.claimRun("r1", startedAt: Date())
        #expect(mine.state == .running)
        // As if the lease ran out and the run were queued again.
        try await rescuer.connection.query("UPDATE steward.runs SET state = 'queued' WHERE run_id = 'r1'")
        let theirs = try await rescuer.claimRun("r1", startedAt: Date())
        #expect(theirs.state == .running)
        mine.state = .succeeded
        mine.finishedAt = Date()
        mine.output = .string("from the stalled node")
        do {
            try await stalled.finishRun(mine)
            Issue.record("the fenced-off node overwrote the run")
        } catch {
            #expect(error.kind == .conflict)
            #expect(error.message.contains("running on rescuer (claim 2)") && error.message.contains("stalled, claim 1"), "\(error)")
        }
        var rescued = theirs
        rescued.state = .failed
        rescued.finishedAt = Date()
        rescued.error = "exit 3"
        rescued.steps = ["fetch", "bill"]
        try await rescuer.finishRun(rescued)
        let stored = try await stalled.run("r1")
        #expect(stored?.state == .failed && stored?.error == "exit 3" && stored?.output == nil && stored?.steps == ["fetch", "bill"])
        await #expect(throws: RunStoreError.self) { try await rescuer.finishRun(rescued) }
        await #expect(throws: RunStoreError.self) { _ = try await rescuer.claimRun("r1", startedAt: Date()) }
        do {
            _ = try await rescuer.claimRun("nope", startedAt: Date())
        } catch {
            #expect(error.kind == .unknownRun)
        }
        await cluster.stop()
    }

    @Test("reads: a record round-trips; runs by job, states, paging before a run, limit")
    func reads() async throws {
        let cluster = try await Cluster(nodes: ["a"])
        let store = cluster.stores[0]
        var record = RunRecord(runId: "x1", jobId: "etl", trigger: .manual(requestedBy: "ops"), createdAt: Date(timeIntervalSince1970: 1_700_000_000.123),
                               zone: "Europe/Paris", input: .object(["day": .string("2026-12-04"), "n": .int(3)]), attempt: 2,
                               retryOf: "x0", parentRunId: "p")
        record.steps = ["one", "two, \"three\""]
        try await store.createRun(record)
        for index in 2...6 {
            try await store.createRun(RunRecord(runId: RunID("x\(index)"), jobId: index % 2 == 0 ? "etl" : "mail", trigger: .manual(), createdAt: Date()))
        }
        #expect(try await store.run("x1") == record)
        #expect(try await store.run("missing") == nil)
        #expect(try await store.runs(RunQuery(jobId: "etl")).map(\.runId) == ["x6", "x4", "x2", "x1"])
        #expect(try await store.runs(RunQuery(jobId: "etl", before: "x4")).map(\.runId) == ["x2", "x1"])
        #expect(try await store.runs(RunQuery(limit: 2)).map(\.runId) == ["x6", "x5"])
        #expect(try await store.runs(RunQuery(states: [.running])).isEmpty)
        #expect(try await store.runs(RunQuery(parentRunId: "p")).map(\.runId) == ["x1"])
        await cluster.stop()
    }

    @Test("two nodes claiming the same queued run at once: one gets it, the other a conflict naming the winner")
    func claimRace() async throws {
        let cluster = try await Cluster(nodes: ["a", "b"])
        for index in 0..<20 {
            try await cluster.stores[0].createRun(RunRecord(runId: RunID("c\(index)"), jobId: "work", trigger: .manual(), createdAt: Date()))
        }
        for index in 0..<20 {
            let runId = RunID("c\(index)")
            let outcomes = await withTaskGroup(of: RunStoreError?.self) { group in
                for store in cluster.stores {
                    group.addTask {
                        do throws(RunStoreError) {
                            _ = try await store.claimRun(runId, startedAt: Date())
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await group.reduce(into: [RunStoreError?]()) { $0.append($1) }
            }
            let errors = outcomes.compactMap { $0 }
            #expect(errors.count == 1)
            #expect(errors.first?.kind == .conflict && errors.first?.message.contains("last claimed by") == true,
                    "\(String(describing: errors.first))")
            #expect(try await cluster.stores[1].owner(of: runId)?.claimEpoch == 1)
        }
        await cluster.stop()
    }

    @Test("the backoff doubles from its first wait up to its longest")
    func backoff() {
        let backoff = PostgresBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect((0...6).map { backoff.delay(afterFailures: $0) }
            == [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(backoff.delay(afterFailures: 1_000) == .seconds(1))
    }
}
