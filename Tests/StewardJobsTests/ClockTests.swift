import Foundation
import StewardJobs
import Testing

@Suite("Job clocks", .timeLimit(.minutes(1)))
struct ClockTests {
    /// Jitter is measured in the benchmarks, never asserted here (it depends on the machine's load).
    @Test("the realtime clock wakes at the instant, never early (timerfd)")
    func realtimeNeverEarly() async throws {
        let clock = RealtimeJobClock()
        for _ in 0..<5 {
            let deadline = clock.now.plus(0.02)
            let wake = try await clock.sleep(until: deadline)
            #expect(wake == .deadlineReached)
            #expect(clock.now >= deadline)
        }
    }

    @Test("a deadline already passed returns at once; cancellation ends a sleep with CancellationError")
    func realtimePastAndCancel() async throws {
        let clock = RealtimeJobClock()
        #expect(try await clock.sleep(until: clock.now.plus(-10)) == .deadlineReached)
        let sleeper = Task { try await clock.sleep(until: clock.now.plus(3600)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test("the manual clock wakes wall sleepers on advance, and every wall sleeper with clockChanged on a jump")
    func manualClock() async throws {
        let clock = ManualJobClock()
        let t0 = clock.now
        let early = Task { try await clock.sleep(until: t0.plus(10)) }
        let late = Task { try await clock.sleep(until: t0.plus(100)) }
        let elapsed = Task { try await clock.sleep(for: .seconds(50)) }
        await clock.waitForWallSleepers(count: 2)
        await clock.waitForElapsedSleepers(count: 1)
        clock.advance(by: .seconds(10))
        #expect(try await early.value == .deadlineReached)
        clock.jump(by: .seconds(-3600))
        #expect(try await late.value == .clockChanged)
        #expect(clock.elapsedSleeperDeadlines == [.seconds(50)])  // elapsed time is unaffected by a jump
        #expect(clock.now == t0.plus(10 - 3600))
        clock.advance(by: .seconds(40))
        try await elapsed.value
        #expect(clock.elapsed == .seconds(50))
    }
}
