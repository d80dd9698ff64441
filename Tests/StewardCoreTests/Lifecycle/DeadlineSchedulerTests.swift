@testable import StewardCore
import StewardTesting
import Testing

@Suite("Deadline scheduler", .timeLimit(.minutes(1)))
struct DeadlineSchedulerTests {
    @Test("actions run in deadline order on one sleeper; cancelled ones never run; earlier deadlines re-arm")
    func orderAndCancellation() async {
        let clock = ManualClock()
        let scheduler = DeadlineScheduler(clock: RunnerClock(clock))
        let fired = SeenValues()
        let trace = Trace()
        _ = scheduler.schedule(at: .seconds(10)) { fired.add("10"); trace.record("10") }
        let cancelled = scheduler.schedule(at: .seconds(5)) { fired.add("5") }
        _ = scheduler.schedule(at: .seconds(3)) { fired.add("3"); trace.record("3") }
        scheduler.cancel(cancelled)
        await clock.waitForSleeper(at: .seconds(3))
        #expect(clock.sleeperDeadlines.count == 1)  // one sleeping task, whatever the number of deadlines
        clock.advance(to: .init(offset: .seconds(6)))
        await trace.waitFor("3")
        // The cancelled 5 s entry is skipped; the sleeper re-arms for 10 s.
        await clock.waitForSleeper(at: .seconds(10))
        clock.advance(to: .init(offset: .seconds(10)))
        await trace.waitFor("10")
        #expect(fired.values == ["3", "10"])
        scheduler.shutdown()
    }

    @Test("many cancelled entries are compacted and live ones still fire")
    func compaction() async {
        let clock = ManualClock()
        let scheduler = DeadlineScheduler(clock: RunnerClock(clock))
        let trace = Trace()
        let tokens = (1...1000).map { i in scheduler.schedule(at: .seconds(100 + i)) {} }
        for token in tokens { scheduler.cancel(token) }
        _ = scheduler.schedule(at: .seconds(2000)) { trace.record("live") }
        await clock.waitForSleepers(count: 1)
        #expect(clock.sleeperDeadlines.count == 1)
        clock.advance(to: .init(offset: .seconds(2000)))  // wakes the (stale) sleeper, which fires what is due
        await trace.waitFor("live")
        #expect(trace.entries == ["live"])
    }
}
