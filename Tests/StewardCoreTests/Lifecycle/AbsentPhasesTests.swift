import StewardCore
import StewardTesting
import Testing

/// The runner skips the call of a phase a closure component does not have (no task, no timer),
/// never its events: the trace of a closure component is the trace of any other.
@Suite("Absent phases: skipped calls, same events", .timeLimit(.minutes(1)))
struct AbsentPhasesTests {
    @Test("a closure runnable without stop and an initializer without finalize report every phase")
    func closureTrace() async throws {
        var builder = LifecycleBuilder()
        builder.addInitializer("db") { _ in }
        builder.addRunnable("web", options: .init(priority: 1, healthKeys: ["web"])) { context in
            try context.setHealth("web", healthy: true)
            await context.untilStopRequested()
        }
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let running = lifecycle.runInBackground()
        await recorder.waitUntilReady()
        lifecycle.requestShutdown()
        #expect(await running.report.isClean)
        let trace = await recorder.finished()
        let expected: [Trace.Group] = [
            .ordered("group 0 starting", "db inject started", "db inject succeeded", "db init started", "db init succeeded",
                     "group 0 ready", "group 1 starting", "web inject started", "web inject succeeded", "web init started",
                     "web init succeeded", "web run started", "web ready started", "web ready succeeded", "group 1 ready",
                     "ready", "shutdown"),
            .unordered("web stop started", "web stop succeeded", "web shutdown started", "web run succeeded"),
            .ordered("web shutdown succeeded", "web finalize started", "web finalize succeeded", "db finalize started",
                     "db finalize succeeded", "finished"),
        ]
        #expect(trace.strictMismatch(expected) == nil)
        // The 14 events of a health-gated runnable, and stop before its shutdown wait.
        #expect(trace.entries.count { $0.hasPrefix("web ") } == 14)
        #expect(trace.mismatch([.ordered("web stop started", "web stop succeeded", "web shutdown started")]) == nil)
    }

    @Test("after a forced shutdown a skipped stop is reported cut short, as a real one would be")
    func forcedSkippedStop() async throws {
        let gate = Gate(), lateGate = Gate()
        var builder = LifecycleBuilder()
        builder.addRunnable("late") { _ in await lateGate.wait() }  // deaf to the stop request and to cancellation
        builder.addRunnable("plain", options: .init(priority: 1)) { context in
            await context.untilStopRequested()
            await gate.wait()
        }
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let running = lifecycle.runInBackground()
        await recorder.waitUntilReady()
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("plain shutdown started")
        lifecycle.forceShutdown()
        gate.open()
        await recorder.trace.waitFor("late shutdown started")
        lateGate.open()
        let report = await running.report
        let trace = await recorder.finished()
        #expect(!report.isClean)
        #expect(report.errors.map(\.component) == ["late"])
        #expect(trace.mismatch([.ordered("plain stop started", "plain stop succeeded", "plain shutdown started", "forced shutdown",
                                         "plain shutdown cancelled", "late stop started", "late stop cancelled", "late shutdown started",
                                         "late run succeeded", "late shutdown cancelled")]) == nil)
    }
}
