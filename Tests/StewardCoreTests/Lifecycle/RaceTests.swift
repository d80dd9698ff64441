@testable import StewardCore
import StewardTesting
import Testing

/// A `Race` hands exactly one outcome to its callback, whichever of the work, the deadline or an
/// abort comes first, and cleans up the losers.
@Suite("Race", .timeLimit(.minutes(1)))
struct RaceTests {
    private func describe(_ outcome: Race.Outcome) -> String {
        switch outcome {
        case .completed(.success): "completed"
        case .completed(.failure(let error)): "failed: \(error)"
        case .timedOut: "timed out"
        case .aborted: "aborted"
        }
    }

    @Test("work that returns in time wins once; its timer is cancelled")
    func completes() async {
        let clock = ManualClock()
        let scheduler = DeadlineScheduler(clock: RunnerClock(clock))
        let trace = Trace()
        Race.run(deadline: .seconds(5), scheduler: scheduler, { trace.record("work") }) { outcome in
            trace.record(self.describe(outcome))
        }
        await trace.waitFor("completed")
        clock.advance(to: .init(offset: .seconds(10)))
        #expect(trace.strictMismatch([.ordered("work", "completed")]) == nil)
        scheduler.shutdown()
    }

    @Test("past the deadline: timed out, the work cancelled, and its late result goes to late")
    func timesOut() async {
        let clock = ManualClock()
        let scheduler = DeadlineScheduler(clock: RunnerClock(clock))
        let trace = Trace()
        let gate = Gate()
        Race.run(deadline: .seconds(5), scheduler: scheduler, {
            await gate.wait()
            if Task.isCancelled { trace.record("saw cancellation") }
        }, late: { _ in trace.record("late") }) { outcome in
            trace.record(self.describe(outcome))
        }
        await clock.waitForSleeper(at: .seconds(5))
        clock.advance(to: .init(offset: .seconds(5)))
        await trace.waitFor("timed out")
        gate.open()
        await trace.waitFor("late")
        #expect(trace.strictMismatch([.ordered("timed out", "saw cancellation", "late")]) == nil)
        scheduler.shutdown()
    }

    @Test("an abort latch already fired: aborted at once, the work never begins")
    func abortedBeforehand() async {
        let scheduler = DeadlineScheduler(clock: RunnerClock(ManualClock()))
        let trace = Trace()
        let abort = Latch()
        abort.fire()
        Race.run(deadline: nil, scheduler: scheduler, abortOn: [abort], began: { trace.record("began") },
                 { trace.record("work") }) { outcome in trace.record(self.describe(outcome)) }
        #expect(trace.entries == ["aborted"])
    }

    @Test("waiting on a latch: an abort while waiting wins; a latch already fired wins over a fired abort")
    func waits() async {
        let scheduler = DeadlineScheduler(clock: RunnerClock(ManualClock()))
        let trace = Trace()
        let done = Latch(), abort = Latch()
        Race.wait(for: done, deadline: nil, scheduler: scheduler, abortOn: [abort]) { trace.record("first: \(self.describe($0))") }
        #expect(trace.entries.isEmpty)
        abort.fire()
        done.fire()
        #expect(trace.entries == ["first: aborted"])
        Race.wait(for: done, deadline: nil, scheduler: scheduler, abortOn: [abort]) { trace.record("second: \(self.describe($0))") }
        #expect(trace.entries == ["first: aborted", "second: completed"])
    }
}
