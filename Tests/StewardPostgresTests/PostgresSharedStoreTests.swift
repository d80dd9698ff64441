import Foundation
import StewardCore
import StewardJobs
import StewardPostgres
import TestSupport
import Testing

/// What the database decides for several nodes at once: admission with the overlap policy, fire
/// and retry keys, claiming with per-job overlap, stops across nodes, and the events that carry
/// them (with LISTEN and in poll-only mode).
@Suite("Postgres: admission, claiming and stops across nodes", .timeLimit(.minutes(5)))
struct PostgresSharedStoreTests {
    /// Admits `count` records made by `make`, spread over `stores`, all at once.
    private func admitAll(_ stores: [PostgresRunStore], count: Int, overlap: OverlapPolicy,
                          _ make: @escaping @Sendable (Int) -> RunRecord) async throws -> [SharedAdmission] {
        try await withThrowingTaskGroup(of: SharedAdmission.self) { group in
            for index in 0..<count {
                let store = stores[index % stores.count]
                group.addTask { try await store.admit(make(index), overlap: overlap, claim: false) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("fifty simultaneous run-nows of a skip job over three nodes: one queued run, forty-nine skipped records")
    func skipRace() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b", "c"])
        let outcomes = try await admitAll(cluster.stores, count: 50, overlap: .skip) { manualRun("n\($0)", job: "billing") }
        let queued = outcomes.filter { if case .queued = $0 { true } else { false } }
        let skipped = outcomes.compactMap { if case .skipped(let record) = $0 { record } else { nil } }
        #expect(queued.count == 1 && skipped.count == 49)
        #expect(skipped.allSatisfy { $0.state == .skipped && $0.finishedAt != nil && $0.error?.contains("overlap skip") == true })
        let counts = try await cluster.stores[0].runCounts(RunQuery(jobId: "billing"))
        #expect(counts == [.queued: 1, .skipped: 49])
        // Once it runs (anywhere), the next run-now is skipped too; once it ended, one is queued again.
        let running = try await cluster.stores[1].claim(["billing": .skip], limit: 5)
        #expect(running.count == 1 && running[0].node == "b")
        guard case .skipped = try await cluster.stores[2].admit(manualRun("late", job: "billing"), overlap: .skip, claim: false) else {
            Issue.record("admitted while a run is running on another node")
            return
        }
        try await cluster.stores[1].finishRun(finished(running[0]))
        guard case .queued = try await cluster.stores[2].admit(manualRun("next", job: "billing"), overlap: .skip, claim: false) else {
            Issue.record("refused after the run ended")
            return
        }
        await cluster.stop()
    }

    @Test("queueOne: one running and one waiting across nodes, the rest skipped; allow admits everything")
    func queueOne() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b", "c"])
        _ = try await cluster.stores[0].admit(manualRun("first", job: "sync"), overlap: .queueOne, claim: true)
        let outcomes = try await admitAll(cluster.stores, count: 30, overlap: .queueOne) { manualRun("q\($0)", job: "sync") }
        #expect(outcomes.filter { if case .queued = $0 { true } else { false } }.count == 1)
        #expect(outcomes.filter { if case .skipped = $0 { true } else { false } }.count == 29)
        // The waiting run is not claimed while the first runs.
        #expect(try await cluster.stores[1].claim(["sync": .queueOne], limit: 5).isEmpty)
        // Asked to run here at once, a run the policy admits runs here (child runs, proceeds).
        guard case .running = try await cluster.stores[0].admit(manualRun("solo1", job: "solo"), overlap: .queueOne, claim: true),
              case .running(let here) = try await cluster.stores[1].admit(manualRun("solo2", job: "solo"), overlap: .queueOne, claim: true),
              case .skipped = try await cluster.stores[2].admit(manualRun("solo3", job: "solo"), overlap: .skip, claim: true)
        else {
            Issue.record("a run asked to run here at once was not decided as the protocol says")
            return
        }
        #expect(here.node == "b")
        let allowed = try await admitAll(cluster.stores, count: 12, overlap: .allow) { manualRun("x\($0)", job: "fanout") }
        #expect(allowed.allSatisfy { if case .queued = $0 { true } else { false } })
        await cluster.stop()
    }

    @Test("the same schedule fires admitted by three nodes: each fire is one run, the others duplicates; a retry is made once")
    func fireAndRetryKeys() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b", "c"])
        let outcomes = try await admitAll(cluster.stores, count: 60, overlap: .allow) { index in
            scheduleFire("f\(index)", at: index / 3)
        }
        #expect(outcomes.filter { if case .queued = $0 { true } else { false } }.count == 20)
        let duplicates = outcomes.compactMap { if case .duplicate(let text) = $0 { text } else { nil } }
        #expect(duplicates.count == 40 && duplicates.allSatisfy { $0.contains("fire at") && $0.contains("is already") }, "\(duplicates.first ?? "")")
        #expect(try await cluster.stores[0].runs(RunQuery(jobId: "nightly")).count == 20)
        // Retries of one failed run, from three nodes: one retry.
        let retries = try await admitAll(cluster.stores, count: 9, overlap: .skip) { index in
            RunRecord(runId: RunID("retry\(index)"), jobId: "nightly", trigger: .retry, createdAt: Date(),
                      scheduledFor: Date().addingTimeInterval(60), attempt: 2, retryOf: "f0")
        }
        #expect(retries.filter { if case .queued = $0 { true } else { false } }.count == 1)
        #expect(retries.filter { if case .duplicate = $0 { true } else { false } }.count == 8)
        // A manual retry of the same run is not an automatic one: allowed; a duplicate id is an error.
        let manual = RunRecord(runId: "manual-retry", jobId: "nightly", trigger: .manual(requestedBy: "ops"), createdAt: Date(), retryOf: "f0")
        guard case .queued = try await cluster.stores[1].admit(manual, overlap: .allow, claim: false) else {
            Issue.record("a manual retry was refused")
            return
        }
        do {
            _ = try await cluster.stores[2].admit(manualRun("manual-retry"), overlap: .allow, claim: false)
            Issue.record("a duplicate id was admitted")
        } catch {
            #expect(error.kind == .duplicateRun)
        }
        await cluster.stop()
    }

    @Test("three nodes claiming: each run once, skip jobs one at a time cluster-wide, not-yet-due runs left, next due told")
    func claiming() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b", "c"])
        let store = cluster.stores[0]
        for index in 0..<30 { try await store.createRun(manualRun("w\(index)", job: "work")) }
        for index in 0..<4 { try await store.createRun(manualRun("s\(index)", job: "serial")) }
        for job in 0..<5 {
            for index in 0..<3 { try await store.createRun(manualRun("j\(job)-\(index)", job: "one-at-a-time-\(job)")) }
        }
        try await store.createRun(RunRecord(runId: "future", jobId: "work", trigger: .later(requestedBy: nil), createdAt: Date(),
                                            scheduledFor: Date().addingTimeInterval(3600)))
        var jobs: [JobID: OverlapPolicy] = ["work": .allow, "serial": .skip]
        for job in 0..<5 { jobs[JobID("one-at-a-time-\(job)")] = job % 2 == 0 ? .skip : .queueOne }
        let policies = jobs
        let claimed = try await withThrowingTaskGroup(of: [RunRecord].self) { group in
            for node in cluster.stores {
                group.addTask {
                    var mine: [RunRecord] = []
                    while true {
                        let batch = try await node.claim(policies, limit: 3)
                        #expect(batch.count <= 3)
                        if batch.isEmpty { return mine }
                        mine += batch
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.filter { $0.jobId == "work" }.count == 30)
        #expect(Set(claimed.map(\.runId)).count == claimed.count)
        #expect(claimed.filter { $0.jobId == "serial" }.count == 1, "a skip job ran twice at once")
        for job in 0..<5 {
            #expect(claimed.filter { $0.jobId == JobID("one-at-a-time-\(job)") }.count == 1, "job \(job) ran twice at once")
        }
        #expect(Set(claimed.compactMap(\.node)).count >= 1 && claimed.allSatisfy { $0.state == .running && $0.startedAt != nil })
        #expect(!claimed.contains { $0.runId == "future" })
        let wait = try #require(try await store.nextDue(["work"]))
        #expect(wait > .seconds(3000) && wait <= .seconds(3600))
        #expect(try await store.nextDue(["serial"]) == .zero)
        #expect(try await store.nextDue(["nothing"]) == nil)
        // The serial job's next run is claimable once its running one ended.
        let serial = try #require(claimed.first { $0.jobId == "serial" })
        let owner = try #require(cluster.stores.first { $0.node == serial.node })
        try await owner.finishRun(finished(serial))
        #expect(try await cluster.stores[2].claim(["serial": .skip, "work": .allow], limit: 3).map(\.jobId) == ["serial"])
        #expect(try await cluster.stores[1].claim(["other": .allow], limit: 3).isEmpty)
        await cluster.stop()
    }

    @Test("stop: a queued run is stopped at once; a run on another node is flagged, that node told by event and heartbeat")
    func stops() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b"])
        let (a, b) = (cluster.stores[0], cluster.stores[1])
        _ = try await a.join(version: "1", reason: "start")
        _ = try await b.join(version: "1", reason: "start")
        let eventsOfA = a.events()
        try await b.createRun(manualRun("queued"))
        guard case .stopped(let stopped) = try await b.requestStop("queued") else {
            Issue.record("a queued run was not stopped at once")
            return
        }
        #expect(stopped.state == .stopped && stopped.finishedAt != nil)
        _ = try await a.admit(manualRun("busy"), overlap: .allow, claim: true)
        #expect(try await b.requestStop("busy") == .requested(node: "a"))
        var iterator = eventsOfA.makeAsyncIterator()
        var heard = false
        while let event = await iterator.next() {
            if event == .stopRequested("busy") {
                heard = true
                break
            }
        }
        #expect(heard)
        #expect(try await a.heartbeat().stopRequested == ["busy"])
        #expect(try await a.heartbeat().stopRequested.isEmpty, "reported once")
        let ended = try #require(try await a.run("busy"))
        try await a.finishRun(finished(ended, .stopped))
        guard case .ended(let record) = try await b.requestStop("busy") else {
            Issue.record("an ended run was not reported ended")
            return
        }
        #expect(record.state == .stopped)
        await #expect(throws: RunStoreError.self) { _ = try await b.requestStop("missing") }
        await cluster.stop()
    }

    @Test("a burst of changes on another node wakes a slow subscriber once: events waiting in its queue are not queued twice")
    func coalescedEvents() async throws {
        let cluster = try await StoreCluster(nodes: ["quiet", "busy"])
        let (quiet, busy) = (cluster.stores[0], cluster.stores[1])
        let slow = quiet.events()
        let fast = quiet.events()
        for index in 0..<20 { _ = try await busy.admit(manualRun("b\(index)"), overlap: .allow, claim: false) }
        try await busy.saveDefinitionState(JobDefinitionState(jobId: "marker", isEnabled: true))
        // The fast subscriber reads up to the marker: by then the hub handed every event to both.
        var seen = 0
        for await event in fast {
            if event == .runsChanged { seen += 1 }
            if event == .jobChanged("marker") { break }
        }
        #expect(seen >= 1)
        var iterator = slow.makeAsyncIterator()
        #expect(await iterator.next() == .runsChanged)
        #expect(await iterator.next() == .jobChanged("marker"))
        await cluster.stop()
    }

    @Test("events: a node hears the others' admissions and job changes; poll-only mode yields only its own and still works")
    func events() async throws {
        let cluster = try await StoreCluster(nodes: ["listener", "poller"]) { node in
            PostgresJournalOptions(node: node, listen: node == "listener")
        }
        let (listener, poller) = (cluster.stores[0], cluster.stores[1])
        _ = try await poller.join(version: "1", reason: "start")  // a heartbeat is a member's
        let heard = listener.events()
        let own = poller.events()
        try await poller.saveDefinitionState(JobDefinitionState(jobId: "report", isEnabled: false))
        _ = try await poller.admit(manualRun("p1"), overlap: .allow, claim: false)
        var received: [SharedStoreEvent] = []
        for await event in heard {
            received.append(event)
            if received.contains(.jobChanged("report")) && received.contains(.runsChanged) { break }
        }
        #expect(received.contains(.jobChanged("report")))
        // Its own job change is not news to the listener.
        try await listener.saveDefinitionState(JobDefinitionState(jobId: "mine", isEnabled: true))
        _ = try await listener.admit(manualRun("l1"), overlap: .allow, claim: false)
        var next: [SharedStoreEvent] = []
        for await event in heard {
            next.append(event)
            if event == .runsChanged { break }
        }
        #expect(!next.contains(.jobChanged("mine")))
        // The poller yields what it did itself, and its stops arrive by heartbeat.
        var mine = own.makeAsyncIterator()
        #expect(await mine.next() == .runsChanged)
        _ = try await poller.admit(manualRun("p2", job: "long"), overlap: .allow, claim: true)
        #expect(try await listener.requestStop("p2") == .requested(node: "poller"))
        #expect(try await poller.heartbeat().stopRequested == ["p2"])
        await cluster.stop()
    }
}
