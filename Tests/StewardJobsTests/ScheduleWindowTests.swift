import Foundation
import StewardCore
import StewardJobs
import Testing

/// Cron with a start and a finish date, and a one-time `at` that passed while steward was down.
@Suite("Schedule windows and missed one-time fires", .timeLimit(.minutes(1)))
struct ScheduleWindowTests {
    let utc = TimeZone(identifier: "UTC")!

    @Test("a cron schedule with start and end: no fire before start, none after end; a fire exactly at either bound happens")
    func windowBounds() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // a multiple of 10 s
        let cron = try CronExpression("*/10 * * * * *", zone: utc)
        let window = try WindowedSchedule(cron, start: t0.plus(30), end: t0.plus(50))
        #expect(window.fires(after: t0, limit: 10) == [t0.plus(30), t0.plus(40), t0.plus(50)])
        #expect(window.nextFire(after: t0.plus(50)) == nil)
        let open = try WindowedSchedule(cron, start: t0.plus(25), end: nil)
        #expect(open.nextFire(after: t0) == t0.plus(30))
        #expect(window.description.hasSuffix(", from \(InstantText.format(t0.plus(30))), until \(InstantText.format(t0.plus(50)))"))
        #expect(throws: ScheduleError.self) { try WindowedSchedule(cron, start: t0.plus(50), end: t0.plus(30)) }
    }

    @Test("the spellings: start and end with a cron expression make a window, with every an anchor and an end; alone they are refused naming the key")
    func spellings() throws {
        let anchor = Date(timeIntervalSince1970: 1_800_000_000)
        func parse(cron: String? = nil, every: String? = nil, at: String? = nil, start: String? = nil, end: String? = nil) throws(ScheduleError) -> (any Schedule)? {
            try ScheduleSpec.parse(cron: cron, every: every, at: at, zone: "UTC", defaultZone: utc, anchor: anchor, start: start, end: end)
        }
        let windowed = try #require(try parse(cron: "0 0 3 * * *", start: "2028-01-01T00:00:00Z", end: "2028-01-03T12:00:00Z") as? WindowedSchedule)
        #expect(windowed.fires(after: anchor, limit: 5).map { InstantText.format($0) } == ["2028-01-01T03:00:00Z", "2028-01-02T03:00:00Z", "2028-01-03T03:00:00Z"])
        let interval = try #require(try parse(every: "1h", start: "2028-01-01T00:00:00Z", end: "2028-01-01T02:00:00Z") as? IntervalSchedule)
        #expect(interval.anchor == (try InstantText.parse("2028-01-01T00:00:00Z", zone: utc)))
        #expect(interval.fires(after: anchor, limit: 5).count == 3)
        func failure(_ body: () throws(ScheduleError) -> Void) -> ScheduleError? {
            do { try body(); return nil } catch { return error }
        }
        #expect(failure { () throws(ScheduleError) in _ = try parse(at: "2028-01-01T00:00:00Z", end: "2028-02-01T00:00:00Z") }?.setting == "end")
        #expect(failure { () throws(ScheduleError) in _ = try parse(start: "2028-01-01T00:00:00Z") }?.setting == "start")
        #expect(failure { () throws(ScheduleError) in _ = try parse(cron: "@daily", start: "yesterday") }?.setting == "start")
        #expect(failure { () throws(ScheduleError) in _ = try parse(cron: "@daily", start: "2028-02-01T00:00:00Z", end: "2028-01-01T00:00:00Z") }?.setting == "end")
        #expect(failure { () throws(ScheduleError) in _ = try parse(every: "1h", at: "2028-01-01T00:00:00Z", start: "2028-01-01T00:00:00Z") }?.setting == "start")
        // An end already past with an every anchored at load: valid, and it never fires.
        #expect(try parse(every: "1h", end: "2020-01-01T00:00:00Z")?.nextFire(after: anchor) == nil)
    }

    @Test("on a manual clock the scheduler fires a windowed cron job only inside its window")
    func schedulerHonoursTheWindow() async throws {
        let h = Harness()
        let t0 = h.clock.now
        let window = try WindowedSchedule(try CronExpression("*/10 * * * * *", zone: utc), start: t0.plus(25), end: t0.plus(45))
        try await h.scheduler.define(JobDefinition(id: "w", schedule: window, misfireThreshold: .seconds(1)) { _ in .null })
        await h.scheduler.start()
        #expect(h.scheduler.nextFire("w") == t0.plus(30))
        for fire in [t0.plus(30), t0.plus(40)] {
            await h.clock.waitForWallSleeper(until: fire)
            h.clock.advance(to: fire)
        }
        let runs = try await h.waitForRuns(of: "w", count: 2) { $0.state == .succeeded }
        #expect(runs.map(\.scheduledFor) == [t0.plus(30), t0.plus(40)])
        try await eventually("no next fire past the end") { h.scheduler.nextFire("w") == nil }
        h.clock.advance(to: t0.plus(120))
        #expect(h.runs(of: "w").count == 2)
        #expect(h.scheduler.jobs.first?.schedule?.contains("until") == true)
        await h.scheduler.shutdown()
    }

    /// A store as a steward left it that never handled the one-time fire.
    private func missedOnce(_ policy: MisfirePolicy, store: InMemoryRunStore, clock: ManualJobClock) async throws -> Harness {
        let h = Harness(store: store, clock: clock)
        let instant = Date(timeIntervalSince1970: 1_800_000_000 - 3600)  // an hour before the manual clock's start
        try await h.scheduler.define(JobDefinition(id: "once", schedule: OneTimeSchedule(at: instant), misfire: policy) { _ in .null })
        await h.scheduler.start()
        return h
    }

    @Test("an at already past at start with fireOnceNow runs once now; a restart does not run it again")
    func missedAtFiresOnceNow() async throws {
        let store = InMemoryRunStore()
        let clock = ManualJobClock()
        let first = try await missedOnce(.fireOnceNow, store: store, clock: clock)
        let runs = try await first.waitForRuns(of: "once", count: 1) { $0.state == .succeeded }
        #expect(runs.map(\.scheduledFor) == [clock.now.plus(-3600)])
        #expect(runs.first?.startedAt == clock.now)
        try await eventually("the fire persisted as handled") { try await store.definitionState("once")?.lastFired == clock.now.plus(-3600) }
        await first.scheduler.shutdown()
        clock.advance(by: .seconds(60))
        let second = try await missedOnce(.fireOnceNow, store: store, clock: clock)
        await second.scheduler.shutdown()
        #expect(second.runs(of: "once").count == 1)
    }

    @Test("an at already past at start with skip is recorded missed, never dropped; a restart does not record it again")
    func missedAtRecordedMissed() async throws {
        let store = InMemoryRunStore()
        let clock = ManualJobClock()
        let first = try await missedOnce(.skip, store: store, clock: clock)
        let missed = try await first.waitForRuns(of: "once", count: 1) { $0.state == .missed }
        #expect(missed.first?.scheduledFor == clock.now.plus(-3600))
        #expect(missed.first?.error?.hasPrefix("missed:") == true)
        try await eventually("the fire persisted as handled") { try await store.definitionState("once")?.lastFired != nil }
        await first.scheduler.shutdown()
        let second = try await missedOnce(.skip, store: store, clock: clock)
        await second.scheduler.shutdown()
        #expect(second.runs(of: "once").count == 1)
    }

    @Test("an at in the future is not touched by the change: it fires at its instant")
    func futureAtUnchanged() async throws {
        let h = Harness()
        let at = h.clock.now.plus(30)
        try await h.scheduler.define(JobDefinition(id: "later", schedule: OneTimeSchedule(at: at)) { _ in .null })
        await h.scheduler.start()
        #expect(h.runs(of: "later").isEmpty)
        await h.clock.waitForWallSleeper(until: at)
        h.clock.advance(to: at)
        let runs = try await h.waitForRuns(of: "later", count: 1) { $0.state == .succeeded }
        #expect(runs.first?.scheduledFor == at)
        await h.scheduler.shutdown()
    }
}
