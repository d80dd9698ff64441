import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Interval and one-time schedules: arithmetic fires from the anchor, repeat count, end.
@Suite("Interval and one-time schedules", .timeLimit(.minutes(1)))
struct IntervalScheduleTests {
    let anchor = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: Double) -> Date { anchor.addingTimeInterval(seconds) }

    @Test func firesAtTheAnchorAndEveryIntervalAfter() throws {
        let schedule = try IntervalSchedule(every: .seconds(300), anchor: anchor)
        #expect(schedule.nextFire(after: at(-1)) == anchor)
        #expect(schedule.nextFire(after: at(-86_400)) == anchor)
        #expect(schedule.nextFire(after: anchor) == at(300))
        #expect(schedule.nextFire(after: at(299.999)) == at(300))
        #expect(schedule.nextFire(after: at(300)) == at(600))
        #expect(schedule.fires(after: at(1_000), limit: 3) == [at(1_200), at(1_500), at(1_800)])
        // Far ahead: computed, not stepped.
        #expect(schedule.nextFire(after: at(300 * 1_000_000 + 1)) == at(300 * 1_000_001))
    }

    @Test func subSecondIntervals() throws {
        let schedule = try IntervalSchedule(every: .milliseconds(250), anchor: anchor)
        #expect(schedule.fires(after: at(10), limit: 2) == [at(10.25), at(10.5)])
    }

    @Test func repeatCountIsTheTotalNumberOfFires() throws {
        let schedule = try IntervalSchedule(every: .seconds(60), anchor: anchor, repeatCount: 3)
        #expect(schedule.fires(after: at(-1), limit: 10) == [anchor, at(60), at(120)])
        #expect(schedule.nextFire(after: at(120)) == nil)
        #expect(schedule.nextFire(after: at(10_000)) == nil)
        let once = try IntervalSchedule(every: .seconds(60), anchor: anchor, repeatCount: 1)
        #expect(once.fires(after: at(-1), limit: 10) == [anchor])
    }

    @Test func endClosesTheWindowInclusively() throws {
        let schedule = try IntervalSchedule(every: .seconds(60), anchor: anchor, end: at(180))
        #expect(schedule.fires(after: at(30), limit: 10) == [at(60), at(120), at(180)])
        let early = try IntervalSchedule(every: .seconds(60), anchor: anchor, end: at(179))
        #expect(early.fires(after: at(30), limit: 10) == [at(60), at(120)])
        let both = try IntervalSchedule(every: .seconds(60), anchor: anchor, repeatCount: 2, end: at(1_000))
        #expect(both.fires(after: at(-1), limit: 10) == [anchor, at(60)])
    }

    @Test func rejectsNonsense() {
        #expect(throws: ScheduleError.self) { try IntervalSchedule(every: .zero, anchor: anchor) }
        #expect(throws: ScheduleError.self) { try IntervalSchedule(every: .microseconds(10), anchor: anchor) }
        #expect(throws: ScheduleError.self) { try IntervalSchedule(every: .seconds(1), anchor: anchor, repeatCount: 0) }
        #expect(throws: ScheduleError.self) { try IntervalSchedule(every: .seconds(1), anchor: anchor, end: at(-1)) }
    }

    @Test func descriptions() throws {
        let schedule = try IntervalSchedule(every: .seconds(5_400), anchor: Date(timeIntervalSince1970: 1_795_928_400),
                                            repeatCount: 10, end: Date(timeIntervalSince1970: 1_796_014_800))
        #expect(schedule.description == "every 1h30m from 2026-11-29T05:00:00Z, 10 times, until 2026-11-30T05:00:00Z")
        #expect(OneTimeSchedule(at: Date(timeIntervalSince1970: 1_795_928_400)).description == "once at 2026-11-29T05:00:00Z")
    }

    @Test func oneTimeFiresOnce() {
        let schedule = OneTimeSchedule(at: anchor)
        #expect(schedule.nextFire(after: at(-0.5)) == anchor)
        #expect(schedule.nextFire(after: anchor) == nil)
        #expect(schedule.fires(after: at(-10), limit: 5) == [anchor])
    }

    @Test func firesThroughABoundForCatchingUp() throws {
        let schedule = try IntervalSchedule(every: .seconds(60), anchor: anchor)
        #expect(schedule.fires(after: at(0), through: at(180), limit: 10) == [at(60), at(120), at(180)])
        #expect(schedule.fires(after: at(0), through: at(180), limit: 2) == [at(60), at(120)])
    }
}
