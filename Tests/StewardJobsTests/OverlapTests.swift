import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("Overlap policies and the worker limit", .timeLimit(.minutes(1)))
struct OverlapTests {
    @Test("fifty simultaneous triggers of a skip job make exactly one run and forty-nine skipped records")
    func fiftyTriggersOneRun() async throws {
        let h = Harness()
        let gate = Gate()
        let meter = ConcurrencyMeter()
        try await h.scheduler.define(JobDefinition(id: "solo") { _ in
            meter.enter()
            await gate.wait()
            meter.leave()
            return .null
        })
        await h.scheduler.start()
        let ids = await withTaskGroup(of: RunID?.self) { group in
            for index in 0..<50 {
                group.addTask { try? await h.scheduler.trigger("solo", requestedBy: "caller-\(index)") }
            }
            var ids: [RunID] = []
            for await id in group { if let id { ids.append(id) } }
            return ids
        }
        #expect(Set(ids).count == 50)
        let records = h.runs(of: "solo")
        #expect(records.count == 50)
        #expect(records.filter { $0.state == .skipped }.count == 49)
        #expect(records.filter { $0.state.isActive }.count == 1)
        #expect(records.filter { $0.state == .skipped }.allSatisfy { $0.finishedAt != nil && $0.error?.contains("skip") == true })
        gate.open()
        let done = try await h.waitForRuns(of: "solo", count: 1) { $0.state == .succeeded }
        #expect(done.count == 1)
        #expect(meter.peak == 1)
        await h.scheduler.shutdown()
        #expect(h.runs(of: "solo").count == 50)
    }

    @Test("queueOne keeps one run waiting behind the active one and skips the rest")
    func queueOne() async throws {
        let h = Harness()
        let gate = Gate()
        let meter = ConcurrencyMeter()
        try await h.scheduler.define(JobDefinition(id: "q", overlap: .queueOne) { _ in
            meter.enter()
            await gate.wait()
            meter.leave()
            return .null
        })
        await h.scheduler.start()
        let first = try await h.scheduler.trigger("q")
        _ = try await h.waitFor(first, .running)
        let second = try await h.scheduler.trigger("q")
        let third = try await h.scheduler.trigger("q")
        #expect(try await h.record(second).state == .queued)
        #expect(try await h.record(third).state == .skipped)
        gate.open()
        let secondDone = try await h.waitFor(second, .succeeded)
        let firstDone = try await h.record(first)
        #expect(firstDone.state == .succeeded)
        #expect(secondDone.startedAt! >= firstDone.finishedAt!)
        #expect(meter.peak == 1)
        await h.scheduler.shutdown()
    }

    @Test("allow runs every trigger at once")
    func allow() async throws {
        let h = Harness()
        let gate = Gate()
        let meter = ConcurrencyMeter()
        try await h.scheduler.define(JobDefinition(id: "many", overlap: .allow) { _ in
            meter.enter()
            await gate.wait()
            meter.leave()
            return .null
        })
        await h.scheduler.start()
        var ids: [RunID] = []
        for _ in 0..<3 { ids.append(try await h.scheduler.trigger("many")) }
        try await eventually("three runs executing") { meter.current == 3 }
        gate.open()
        for id in ids { _ = try await h.waitFor(id, .succeeded) }
        #expect(meter.peak == 3)
        await h.scheduler.shutdown()
    }

    @Test("a schedule fire during an active run is recorded skipped")
    func scheduledTickSkipped() async throws {
        let h = Harness()
        let t0 = h.clock.now
        let gate = Gate()
        try await h.scheduler.define(JobDefinition(id: "slow", schedule: EveryPeriodSchedule(origin: t0.plus(10), period: 10)) { _ in
            await gate.wait()
            return .null
        })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(10))
        h.clock.advance(to: t0.plus(10))
        try await h.waitForRuns(of: "slow", count: 1) { $0.state == .running }
        await h.clock.waitForWallSleeper(until: t0.plus(20))
        h.clock.advance(to: t0.plus(20))
        let skipped = try await h.waitForRuns(of: "slow", count: 1) { $0.state == .skipped }
        #expect(skipped.first?.scheduledFor == t0.plus(20))
        #expect(skipped.first?.trigger == .schedule)
        gate.open()
        try await h.waitForRuns(of: "slow", count: 1) { $0.state == .succeeded }
        await h.scheduler.shutdown()
    }

    @Test("a global worker limit runs at most N at once and starts the waiting runs in FIFO order")
    func workerLimitFIFO() async throws {
        let h = Harness(workerLimit: 2)
        let names = ["a", "b", "c", "d", "e"]
        let gates = Dictionary(uniqueKeysWithValues: names.map { ($0, Gate()) })
        let meter = ConcurrencyMeter()
        let starts = Recorder<String>()
        for name in names {
            let gate = gates[name]!
            try await h.scheduler.define(JobDefinition(id: JobID(name)) { _ in
                starts.record(name)
                meter.enter()
                await gate.wait()
                meter.leave()
                return .null
            })
        }
        await h.scheduler.start()
        var ids: [RunID] = []
        for name in names { ids.append(try await h.scheduler.trigger(JobID(name))) }
        try await eventually("two runs executing") { meter.current == 2 }
        for id in ids.suffix(3) { #expect(try await h.record(id).state == .queued) }
        #expect(Set(starts.all) == ["a", "b"])
        // Each finished run hands its worker to the oldest waiting one.
        gates["b"]!.open()
        try await eventually("c started") { starts.count == 3 }
        #expect(starts.all.last == "c")
        gates["a"]!.open()
        try await eventually("d started") { starts.count == 4 }
        #expect(starts.all.last == "d")
        #expect(try await h.record(ids[4]).state == .queued)
        for name in ["c", "d", "e"] { gates[name]!.open() }
        for id in ids { _ = try await h.waitFor(id, .succeeded) }
        #expect(starts.all.last == "e")
        #expect(meter.peak == 2)
        await h.scheduler.shutdown()
    }

    @Test("a job removed while running and defined again gets a fresh overlap slot; the old run ends normally")
    func removeAndRedefine() async throws {
        let h = Harness()
        let gate = Gate()
        try await h.scheduler.define(JobDefinition(id: "x") { _ in
            await gate.wait()
            return "old"
        })
        await h.scheduler.start()
        let old = try await h.scheduler.trigger("x")
        _ = try await h.waitFor(old, .running)
        try await h.scheduler.remove("x")
        try await h.scheduler.define(JobDefinition(id: "x") { _ in "new" })
        let fresh = try await h.scheduler.trigger("x")
        #expect(await h.scheduler.waitForCompletion(of: fresh)?.output == "new")
        gate.open()
        #expect(await h.scheduler.waitForCompletion(of: old)?.output == "old")
        let blocked = Gate()
        try await h.scheduler.remove("x")
        try await h.scheduler.define(JobDefinition(id: "x") { _ in
            await blocked.wait()
            return .null
        })
        let active = try await h.scheduler.trigger("x")
        _ = try await h.waitFor(active, .running)
        #expect(try await h.record(try await h.scheduler.trigger("x")).state == .skipped)  // the slot is held
        blocked.open()
        _ = try await h.waitFor(active, .succeeded)
        await h.scheduler.shutdown()
    }

    @Test("stopping a queued run ends it stopped without starting it, and frees its place")
    func stopQueued() async throws {
        let h = Harness(workerLimit: 1)
        let gate = Gate()
        let ran = Recorder<RunID>()
        try await h.scheduler.define(JobDefinition(id: "w", overlap: .allow) { context in
            ran.record(context.runId)
            await gate.wait()
            return .null
        })
        await h.scheduler.start()
        let first = try await h.scheduler.trigger("w")
        let second = try await h.scheduler.trigger("w")
        let third = try await h.scheduler.trigger("w")
        try await h.scheduler.stop(second)
        let stopped = try await h.waitFor(second, .stopped)
        #expect(stopped.startedAt == nil)
        #expect(stopped.error == "stopped before it started")
        gate.open()
        _ = try await h.waitFor(third, .succeeded)
        _ = try await h.waitFor(first, .succeeded)
        #expect(ran.all == [first, third])
        do {
            try await h.scheduler.stop(second)
            Issue.record("stopping an ended run succeeded")
        } catch {
            #expect(error.kind == .runNotActive)
        }
        await h.scheduler.shutdown()
    }
}

