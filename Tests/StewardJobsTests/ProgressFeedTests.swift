import Foundation
@testable import StewardJobs
import Synchronization
import Testing

/// The progress feed's coalescing, on an injected clock and injected interval timers: no two
/// updates of a run less than an interval apart, whatever order the timers run in.
@Suite("Progress feed coalescing")
struct ProgressFeedTests {
    /// A clock the test moves, and interval timers the test fires one by one.
    final class Timers: Sendable {
        private struct State {
            var now = ContinuousClock.now
            var waiting: [(deadline: ContinuousClock.Instant, resume: CheckedContinuation<Void, Never>)] = []
        }
        private let state = Mutex(State())
        let start: ContinuousClock.Instant

        init() { start = state.withLock { $0.now } }

        var now: ContinuousClock.Instant { state.withLock { $0.now } }
        func advance(to milliseconds: Int) { state.withLock { $0.now = start + .milliseconds(milliseconds) } }
        var pending: Int { state.withLock { $0.waiting.count } }

        func sleep(until deadline: ContinuousClock.Instant) async {
            await withCheckedContinuation { continuation in state.withLock { $0.waiting.append((deadline, continuation)) } }
        }

        /// Lets the oldest waiting timer run (however late the clock now is for it).
        func fireOldest() {
            let resume = state.withLock { $0.waiting.isEmpty ? nil : $0.waiting.removeFirst().resume }
            resume?.resume()
        }
    }

    static func update(_ step: Int) -> RunProgressUpdate {
        RunProgressUpdate(runId: RunID("r1"), jobId: JobID("job"), progress: RunProgress(message: "step \(step)"), at: Date())
    }

    /// Polls `condition` for at most five seconds (timer tasks run on the global executor).
    static func eventually(_ condition: () -> Bool) async {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition(), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(1)) }
    }

    @Test("a timer left from an earlier interval, running late, does not send the next interval's held value early")
    func lateTimerOfEarlierInterval() async throws {
        let timers = Timers()
        let feed = ProgressFeed(now: { timers.now }, sleep: { await timers.sleep(until: $0) })
        let received = Mutex<[(String, Int)]>([])
        let stream = feed.subscribe(bufferingPolicy: .unbounded)
        let reader = Task {
            for await update in stream {
                // The test moves the clock only once the previous update arrived.
                let at = (timers.now - timers.start) / .milliseconds(1)
                received.withLock { $0.append((update.progress.message ?? "", Int(at))) }
            }
        }
        defer { reader.cancel() }

        timers.advance(to: 0); feed.report(Self.update(1))       // sent at once
        await Self.eventually { received.withLock { $0.count } == 1 }
        timers.advance(to: 50); feed.report(Self.update(2))      // held, timer for 100 ms
        await Self.eventually { timers.pending == 1 }
        timers.advance(to: 150); feed.report(Self.update(3))     // the timer is late: sent at once
        await Self.eventually { received.withLock { $0.count } == 2 }
        timers.advance(to: 160); feed.report(Self.update(4))     // held, a new timer for 250 ms
        await Self.eventually { timers.pending == 2 }
        timers.fireOldest()                                      // the late timer of the first interval runs at 160 ms
        await Self.eventually { timers.pending == 1 }
        try await Task.sleep(for: .milliseconds(20))             // it must send nothing
        #expect(received.withLock { $0.map(\.0) } == ["step 1", "step 3"])

        timers.advance(to: 250); timers.fireOldest()             // the current interval's timer
        await Self.eventually { received.withLock { $0.count } == 3 }
        let all = received.withLock { $0 }
        #expect(all.map(\.0) == ["step 1", "step 3", "step 4"])
        #expect(all.map(\.1) == [0, 150, 250])
        feed.finish(RunID("r1"))
    }

    @Test("the run's end sends the held value at once, and a later timer sends nothing more")
    func finishSendsHeld() async throws {
        let timers = Timers()
        let feed = ProgressFeed(now: { timers.now }, sleep: { await timers.sleep(until: $0) })
        let received = Mutex<[String]>([])
        let stream = feed.subscribe(bufferingPolicy: .unbounded)
        let reader = Task { for await update in stream { received.withLock { $0.append(update.progress.message ?? "") } } }
        defer { reader.cancel() }

        feed.report(Self.update(1))
        timers.advance(to: 10); feed.report(Self.update(2))
        await Self.eventually { timers.pending == 1 }
        feed.finish(RunID("r1"))
        await Self.eventually { received.withLock { $0.count } == 2 }
        timers.advance(to: 200); timers.fireOldest()
        try await Task.sleep(for: .milliseconds(20))
        #expect(received.withLock { $0 } == ["step 1", "step 2"])
    }
}
