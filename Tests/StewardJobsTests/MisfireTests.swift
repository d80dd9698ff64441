import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("Misfires after downtime and clock jumps", .timeLimit(.minutes(1)))
struct MisfireTests {
    /// A store remembering that `job` last fired at `lastFired` (the previous instance's work).
    private func storeAfterDowntime(_ job: JobID, lastFired: Date) async throws -> InMemoryRunStore {
        let store = InMemoryRunStore()
        try await store.saveDefinitionState(JobDefinitionState(jobId: job, lastFired: lastFired))
        return store
    }

    /// Fires every 10 s from `origin`; the scheduler comes back 35 s after the last fire at `origin`.
    private func downtime(_ policy: MisfirePolicy, overlap: OverlapPolicy = .skip) async throws -> (Harness, Date) {
        let clock = ManualJobClock()
        let origin = clock.now.plus(-35)
        let store = try await storeAfterDowntime("d", lastFired: origin)
        let h = Harness(store: store, clock: clock)
        try await h.scheduler.define(JobDefinition(id: "d", schedule: EveryPeriodSchedule(origin: origin, period: 10),
                                                   overlap: overlap, misfire: policy, misfireThreshold: .seconds(1)) { _ in .null })
        await h.scheduler.start()
        return (h, origin)
    }

    @Test("fireOnceNow: one run now for all fires missed during downtime, then the schedule resumes")
    func fireOnceNow() async throws {
        let (h, origin) = try await downtime(.fireOnceNow)
        let runs = try await h.waitForRuns(of: "d", count: 1) { $0.state == .succeeded }
        #expect(runs.map(\.scheduledFor) == [origin.plus(30)])
        #expect(runs.first?.startedAt == h.clock.now)
        await h.clock.waitForWallSleeper(until: origin.plus(40))
        #expect(h.runs(of: "d").count == 1)
        try await eventually("the last fire persisted") { try await h.store.definitionState("d")?.lastFired == origin.plus(30) }
        await h.scheduler.shutdown()
    }

    @Test("skip: every missed fire is recorded missed and nothing runs")
    func skipRecordsMissed() async throws {
        let (h, origin) = try await downtime(.skip)
        let missed = try await h.waitForRuns(of: "d", count: 3) { $0.state == .missed }
        #expect(missed.map(\.scheduledFor) == [origin.plus(10), origin.plus(20), origin.plus(30)])
        #expect(missed.allSatisfy { $0.startedAt == nil && $0.finishedAt == h.clock.now })
        await h.clock.waitForWallSleeper(until: origin.plus(40))
        #expect(h.runs(of: "d").count == 3)
        await h.scheduler.shutdown()
    }

    @Test("runAll(cap): the latest cap missed fires run, older ones are recorded missed")
    func runAllCapped() async throws {
        let (h, origin) = try await downtime(.runAll(cap: 2), overlap: .allow)
        try await h.waitForRuns(of: "d", count: 2) { $0.state == .succeeded }
        try await h.waitForRuns(of: "d", count: 1) { $0.state == .missed }
        let runs = h.runs(of: "d")
        #expect(runs.filter { $0.state == .succeeded }.map(\.scheduledFor).sorted { $0! < $1! } == [origin.plus(20), origin.plus(30)])
        #expect(runs.filter { $0.state == .missed }.map(\.scheduledFor) == [origin.plus(10)])
        #expect(runs.count == 3)
        await h.scheduler.shutdown()
    }

    @Test("a forward clock jump applies the misfire policy to the fires it skipped")
    func forwardJump() async throws {
        let h = Harness()
        let t0 = h.clock.now
        try await h.scheduler.define(JobDefinition(id: "j", schedule: EveryPeriodSchedule(origin: t0, period: 10),
                                                   misfireThreshold: .seconds(1)) { _ in .null })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(10))
        h.clock.advance(to: t0.plus(10))
        try await h.waitForRuns(of: "j", count: 1) { $0.state == .succeeded }
        await h.clock.waitForWallSleeper(until: t0.plus(20))
        h.clock.jump(by: .seconds(3605))  // now t0 + 3615: fires t0+20 … t0+3610 were jumped over
        let runs = try await h.waitForRuns(of: "j", count: 2) { $0.state == .succeeded }
        #expect(runs.map(\.scheduledFor) == [t0.plus(10), t0.plus(3610)])
        await h.clock.waitForWallSleeper(until: t0.plus(3620))
        #expect(h.runs(of: "j").count == 2)
        await h.scheduler.shutdown()
    }

    @Test("a forward jump with the skip policy records missed fires up to the record limit")
    func forwardJumpSkip() async throws {
        let h = Harness(missedRecordLimit: 5)
        let t0 = h.clock.now
        try await h.scheduler.define(JobDefinition(id: "s", schedule: EveryPeriodSchedule(origin: t0, period: 10), misfire: .skip,
                                                   misfireThreshold: .seconds(1)) { _ in .null })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(10))
        h.clock.jump(by: .seconds(1005))  // t0 + 1005: 100 fires late
        let missed = try await h.waitForRuns(of: "s", count: 5) { $0.state == .missed }
        #expect(missed.map(\.scheduledFor) == (96...100).map { t0.plus(Double($0) * 10) })
        await h.clock.waitForWallSleeper(until: t0.plus(1010))
        #expect(h.runs(of: "s").count == 5)
        #expect(h.logs.records.contains { $0.message == "missed schedule fires" && $0.metadata["unrecorded"] == "95" })
        await h.scheduler.shutdown()
    }

    @Test("a backward clock jump never repeats a fire: the timer waits for the next fire after the last one")
    func backwardJump() async throws {
        let h = Harness()
        let t0 = h.clock.now
        try await h.scheduler.define(JobDefinition(id: "b", schedule: EveryPeriodSchedule(origin: t0, period: 10)) { _ in .null })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(10))
        h.clock.advance(to: t0.plus(10))
        try await h.waitForRuns(of: "b", count: 1) { $0.state == .succeeded }
        await h.clock.waitForWallSleeper(until: t0.plus(20))
        h.clock.jump(by: .seconds(-3600))  // t0 - 3590: t0+10 "comes again"
        await h.clock.waitForWallSleeper(until: t0.plus(20))  // re-armed after the clock change, same fire
        #expect(h.scheduler.nextFire("b") == t0.plus(20))
        h.clock.advance(to: t0.plus(10))
        #expect(h.clock.wallSleeperDeadlines == [t0.plus(20)])
        h.clock.advance(to: t0.plus(20))
        let runs = try await h.waitForRuns(of: "b", count: 2) { $0.state == .succeeded }
        #expect(runs.map(\.scheduledFor) == [t0.plus(10), t0.plus(20)])
        await h.scheduler.shutdown()
    }

    @Test("after a restart with the clock behind the persisted last fire, nothing fires again")
    func restartBehindLastFire() async throws {
        let clock = ManualJobClock()
        let t0 = clock.now
        let store = try await storeAfterDowntime("r", lastFired: t0.plus(100))
        let h = Harness(store: store, clock: clock)
        try await h.scheduler.define(JobDefinition(id: "r", schedule: InstantListSchedule([t0.plus(50), t0.plus(100), t0.plus(150)])) { _ in .null })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(150))
        h.clock.advance(to: t0.plus(150))
        let runs = try await h.waitForRuns(of: "r", count: 1) { $0.state == .succeeded }
        #expect(runs.map(\.scheduledFor) == [t0.plus(150)])
        #expect(h.runs(of: "r").count == 1)
        await h.scheduler.shutdown()
    }
}
