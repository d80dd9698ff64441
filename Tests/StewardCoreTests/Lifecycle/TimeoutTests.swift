import StewardCore
import TestSupport
import StewardTesting
import Testing

/// Every timeout, driven by a manual clock: nothing here sleeps.
@Suite("Timeouts", .timeLimit(.minutes(1)))
struct TimeoutTests {
    @Test("init timeout")
    func initTimeout() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(initialize: .hang), name: "migrate", options: .init(initTimeout: .seconds(5)))
        builder.add(ScriptedRunnable(), name: "after", options: .init(priority: 1))
        let lifecycle = try builder.build(options: testOptions(clock))
        let run = start(lifecycle)
        await clock.waitForSleeper(at: .seconds(5))
        clock.advance(by: .seconds(5))
        let report = await run.value
        #expect(report.errors.map(\.description) == ["migrate: init timeout (5s)"])
        #expect(report.errors.first?.kind == .timeout)
        #expect(report.exitCode == 1)
    }

    @Test("startup timeout is measured from run start and not reset by health changes")
    func startupTimeout() async throws {
        let clock = ManualClock()
        let initGate = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(initialize: .block(initGate)), name: "api",
                    options: .init(healthKeys: ["api.http", "api.db"], startupTimeout: .seconds(3)))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("api init started")
        clock.advance(by: .seconds(10))  // a slow init does not eat into the startup timeout
        initGate.open()
        await clock.waitForSleeper(at: .seconds(13))
        clock.advance(by: .seconds(2))
        // A change at t=12 must not move the deadline (a resetting timer would fire at 15, not 13).
        try lifecycle.health.update("api.db", healthy: true)
        try lifecycle.health.update("api.db", healthy: false)
        clock.advance(by: .seconds(1))
        let report = await run.value
        #expect(report.errors.map(\.description) == ["api: did not become healthy within 3s"])
        #expect(report.errors.first?.kind == .notHealthy)
    }

    @Test("stop timeout: reported, and the unwind goes on")
    func stopTimeout() async throws {
        let clock = ManualClock()
        let never = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(stop: .block(never)), name: "slowstop", options: .init(stopTimeout: .seconds(2)))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        lifecycle.requestShutdown()
        await clock.waitForSleeper(at: .seconds(2))
        clock.advance(by: .seconds(2))
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["slowstop: stop timeout (2s)"])
        #expect(trace.contains("slowstop finalize succeeded"))
        never.open()
    }

    @Test("shutdown timeout: the run is cancelled and reported")
    func shutdownTimeout() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.untilCancelled]), name: "stubborn", options: .init(shutdownTimeout: .seconds(4)))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        lifecycle.requestShutdown()
        await clock.waitForSleeper(at: .seconds(4))
        clock.advance(by: .seconds(4))
        let report = await run.value
        #expect(report.errors.map(\.description) == ["stubborn: did not shut down within 4s (returned after cancellation)"])
        #expect(report.abandoned.isEmpty)
    }

    @Test("a run that ignores cancellation too is abandoned and reported")
    func abandoned() async throws {
        let clock = ManualClock()
        let never = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.block(never)]), name: "zombie", options: .init(shutdownTimeout: .seconds(4)))
        builder.add(ScriptedRunnable(), name: "base", options: .init(priority: -1))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        lifecycle.requestShutdown()
        await clock.waitForSleeper(at: .seconds(4))
        clock.advance(by: .seconds(4))
        await clock.waitForSleeper(at: .seconds(5))  // the cancellation grace
        clock.advance(by: .seconds(1))
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["zombie: did not shut down within 4s (abandoned: still running after cancellation)"])
        #expect(report.abandoned == ["zombie"])
        #expect(trace.contains("base stop succeeded"))  // the lower group was still stopped
        never.open()
    }

    @Test("finalize timeout")
    func finalizeTimeout() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(finalize: .hang), name: "pool", options: .init(finalizeTimeout: .seconds(2)))
        builder.add(ScriptedInitializer(), name: "other")
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("pool finalize started")
        await clock.waitForSleeper(at: .seconds(2))
        clock.advance(by: .seconds(2))
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["pool: finalize timeout (2s)"])
        #expect(trace.contains("other finalize succeeded"))
    }

    @Test("global shutdown deadline: the runner gives up, names who did not stop, and returns")
    func globalDeadline() async throws {
        let clock = ManualClock()
        let never = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.block(never)], stop: .block(never)), name: "wedged",
                    options: .init(stopTimeout: nil, shutdownTimeout: nil))
        let lifecycle = try builder.build(options: testOptions(clock, deadline: .seconds(30)))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        lifecycle.requestShutdown()
        await clock.waitForSleeper(at: .seconds(30))
        clock.advance(by: .seconds(30))
        let report = await run.value
        #expect(report.errors.last?.kind == .deadline)
        #expect(report.errors.last?.description == "lifecycle: shutdown deadline of 30s passed (still running: wedged)")
        #expect(report.abandoned == ["wedged"])
        #expect(report.forced)
        #expect(report.exitCode == LifecycleReport.forcedExitCode)
        never.open()
    }
}
