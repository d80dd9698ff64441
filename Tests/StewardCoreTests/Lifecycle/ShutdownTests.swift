import StewardCore
import TestSupport
import StewardTesting
import Testing

@Suite("Shutdown requests", .timeLimit(.minutes(1)))
struct ShutdownTests {
    @Test("shutdown in the middle of startup cancels in-flight inits; later groups never initialize")
    func shutdownDuringStartup() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "base", options: .init(priority: 0))
        builder.add(ScriptedInitializer(initialize: .hang), name: "slow", options: .init(priority: 1))
        builder.add(ScriptedInitializer(), name: "quick", options: .init(priority: 1))
        builder.add(ScriptedRunnable(), name: "top", options: .init(priority: 2))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("quick init succeeded")
        await recorder.trace.waitFor("slow init started")
        lifecycle.requestShutdown()
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.isClean)
        #expect(report.cause == .request)
        #expect(trace.contains("slow init cancelled"))
        #expect(!trace.contains("top init started"))
        #expect(!trace.contains("ready"))
        #expect(!trace.contains("slow finalize started"))
        #expect(trace.mismatch([
            .ordered("shutdown", "base stop succeeded", "quick finalize succeeded", "base finalize succeeded", "finished"),
        ]) == nil)
    }

    @Test("forced shutdown (second request) cancels runs and stops waiting on stop; finalizers still run")
    func forcedShutdown() async throws {
        let clock = ManualClock()
        let never = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.untilCancelled], stop: .block(never)), name: "slow")
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("slow stop started")
        lifecycle.forceShutdown()
        let report = await run.value
        let trace = await recorder.finished()
        #expect(trace.mismatch([.ordered("shutdown", "slow stop started", "forced shutdown"),
                                .unordered("slow stop cancelled", "slow run succeeded"),
                                .ordered("slow finalize succeeded", "finished")]) == nil)
        // The cancelled run may return before or during the shutdown wait: either name is right.
        #expect(trace.contains("slow shutdown cancelled") || trace.contains("slow shutdown succeeded"))
        #expect(report.errors.map(\.description) == ["slow: stop failed (cancelled by a forced shutdown)"])
        #expect(report.exitCode == LifecycleReport.forcedExitCode)  // forced: never clean
        never.open()
    }

    @Test("run() twice returns a failed report instead of running again")
    func runTwice() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(), name: "only")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        #expect(await lifecycle.run().isClean)
        let second = await lifecycle.run()
        #expect(!second.isClean)
    }

    @Test("invalid registrations are all reported by build()")
    func buildErrors() throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "dup", options: .init(healthKeys: ["k"]))
        builder.add(ScriptedRunnable(), name: "dup", options: .init(healthKeys: ["k"]))
        builder.add(ScriptedRunnable(), name: "", options: .init(healthKeys: ["lifecycle"]))
        do {
            _ = try builder.build(options: testOptions(ManualClock()))
            Issue.record("build should have failed")
        } catch {
            #expect(error.problems == [
                "component name \"dup\" is registered twice",
                "dup: health key \"k\" is already registered",
                "a component has an empty name",
                ": health key \"lifecycle\" is reserved for the runner's readiness",
            ])
        }
    }
}

@Suite("Context sleep", .timeLimit(.minutes(1)))
struct ContextSleepTests {
    @Test("context.sleep runs on the injected clock and is cut short by the stop request")
    func periodicLoop() async throws {
        let clock = ManualClock()
        let ticks = SeenValues()
        var builder = LifecycleBuilder()
        builder.addRunnable("ticker") { context in
            while await context.sleep(for: .seconds(10)) { ticks.add("tick") }
            ticks.add("stopped")
        }
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        for round in 1...3 {
            await clock.waitForSleeper(at: .seconds(10 * round))
            clock.advance(by: .seconds(10))
        }
        await clock.waitForSleeper(at: .seconds(40))
        lifecycle.requestShutdown()
        #expect(await run.value.isClean)
        #expect(ticks.values == ["tick", "tick", "tick", "stopped"])
    }
}
