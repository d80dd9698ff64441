import StewardCore
import StewardTesting
import TestSupport
import Testing

/// One test per bug found in review, so none comes back.
@Suite("Review regressions", .timeLimit(.minutes(1)))
struct ReviewRegressionTests {
    @Test("cancelling the caller of run() shuts down gracefully and reports only after the unwind")
    func callerCancellation() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "svc")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let caller = Task { await lifecycle.run() }
        await recorder.trace.waitFor("ready")
        caller.cancel()
        let report = await caller.value
        #expect(report.cause == .request)
        #expect(report.isClean)
        #expect(report.abandoned.isEmpty)
        #expect(lifecycle.components.first?.status == .finalized)
    }

    @Test("a non-critical runnable with health keys that fails before turning healthy does not hang startup")
    func nonCriticalFailureDuringStartup() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.fail("no metrics backend")]), name: "metrics",
                    options: .init(priority: 0, healthKeys: ["metrics"], isCritical: false))
        builder.add(ScriptedRunnable(), name: "web", options: .init(priority: 1))
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        #expect(recorder.trace.contains("metrics ready skipped"))
        #expect(recorder.trace.contains("web run started"))
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.errors.map(\.description) == ["metrics: run failed (no metrics backend)"])
    }

    @Test("no restart begins once shutdown was requested, even before the component's own group stops")
    func noRestartDuringUnwind() async throws {
        let clock = ManualClock()
        let slowStop = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.fail("flaky"), .serve]), name: "flaky",
                    options: .init(priority: 0, restart: RestartPolicy(mode: .onFailure, backoff: .seconds(1), jitter: 0)))
        builder.add(ScriptedRunnable(stop: .block(slowStop)), name: "slow", options: .init(priority: 1, stopTimeout: nil))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        await clock.waitForSleeper(at: .seconds(1))
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("slow stop started")
        clock.advance(by: .seconds(1))  // the backoff ends while group 1 is still stopping
        slowStop.open()
        let report = await run.value
        let trace = await recorder.finished()
        #expect(trace.entries.filter { $0 == "flaky run started" }.count == 1)
        #expect(report.isClean)
    }

    @Test("an init that finishes successfully after it was abandoned is still finalized")
    func lateInitIsFinalized() async throws {
        let release = Gate()
        let finalized = SeenValues()
        var builder = LifecycleBuilder()
        builder.addInitializer("pool", initialize: { _ in await release.wait() }, finalize: { _ in finalized.add("pool") })
        builder.add(ScriptedRunnable(stop: .block(release)), name: "base", options: .init(priority: -1, stopTimeout: nil))
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("pool init started")
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("pool init cancelled")
        await recorder.trace.waitFor("base stop started")
        release.open()  // pool's init now returns successfully, before the finalize pass reaches it
        _ = await run.value
        #expect(finalized.values == ["pool"])
    }

    @Test("exit code: 128+n only when the unwind after signal n was not clean")
    func exitCodes() {
        let early = LifecycleError(component: "extra", phase: .run, kind: .failed)
        let late = LifecycleError(component: "web", phase: .stop, kind: .timeout, limit: .seconds(1))
        #expect(LifecycleReport(errors: [], cause: .signal(15), abandoned: []).exitCode == 0)
        #expect(LifecycleReport(errors: [late], cause: .signal(15), abandoned: [], unwindErrorCount: 1).exitCode == 143)
        #expect(LifecycleReport(errors: [early], cause: .signal(15), abandoned: [], unwindErrorCount: 0).exitCode == 1)
        #expect(LifecycleReport(errors: [], cause: .signal(15), abandoned: ["web"]).exitCode == 143)
        #expect(LifecycleReport(errors: [late], cause: .request, abandoned: [], unwindErrorCount: 1).exitCode == 1)
    }
}
