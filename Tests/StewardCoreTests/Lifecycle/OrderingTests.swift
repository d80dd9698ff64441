import StewardCore
import TestSupport
import StewardTesting
import Testing

@Suite("Startup order and unwind order", .timeLimit(.minutes(1)))
struct OrderingTests {
    @Test("three priority groups: init concurrently per group, run, then stop and finalize in reverse")
    func threeGroups() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(), name: "a1", options: .init(priority: 0))
        builder.add(ScriptedInitializer(), name: "a2", options: .init(priority: 0))
        builder.add(ScriptedRunnable(), name: "a3", options: .init(priority: 0))
        builder.add(ScriptedInitializer(), name: "b1", options: .init(priority: 5))
        builder.add(ScriptedRunnable(healthy: ["b2"]), name: "b2", options: .init(priority: 5, healthKeys: ["b2"]))
        builder.add(ScriptedRunnable(), name: "b3", options: .init(priority: 5))
        builder.add(ScriptedRunnable(), name: "c1", options: .init(priority: -3))
        builder.add(ScriptedRunnable(), name: "c2", options: .init(priority: -3))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)

        await recorder.trace.waitFor("ready")
        #expect(lifecycle.health.isReady)
        lifecycle.requestShutdown()
        let report = await run.value
        let trace = await recorder.finished()

        #expect(report.isClean)
        #expect(report.exitCode == 0)
        let expected: [Trace.Group] = [
            .ordered("group -3 starting"),
            .unordered("c1 init succeeded", "c2 init succeeded"),
            .unordered("c1 run started", "c2 run started"),
            .ordered("group -3 ready", "group 0 starting"),
            .unordered("a1 init succeeded", "a2 init succeeded", "a3 init succeeded"),
            .ordered("a3 run started", "group 0 ready", "group 5 starting"),
            .unordered("b1 init succeeded", "b2 init succeeded", "b3 init succeeded"),
            .unordered("b2 run started", "b3 run started"),
            .ordered("b2 ready succeeded", "group 5 ready", "ready", "shutdown"),
            .unordered("b2 stop succeeded", "b3 stop succeeded", "b2 run succeeded", "b3 run succeeded"),
            .unordered("a3 stop succeeded", "a3 run succeeded"),
            .unordered("c1 stop succeeded", "c2 stop succeeded", "c1 run succeeded", "c2 run succeeded"),
            .unordered("b1 finalize succeeded", "b2 finalize succeeded", "b3 finalize succeeded"),
            .unordered("a1 finalize succeeded", "a2 finalize succeeded", "a3 finalize succeeded"),
            .unordered("c1 finalize succeeded", "c2 finalize succeeded"),
            .ordered("finished"),
        ]
        #expect(trace.mismatch(expected) == nil)
    }

    @Test("initializers of one group run concurrently, not one after another")
    func initIsConcurrent() async throws {
        // Each init waits for the other's gate: sequential init would deadlock.
        let gateA = Gate(), gateB = Gate()
        var builder = LifecycleBuilder()
        builder.addInitializer("a") { _ in gateB.open(); await gateA.wait() }
        builder.addInitializer("b") { _ in gateA.open(); await gateB.wait() }
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let report = await lifecycle.run()
        #expect(report.isClean)
        #expect(report.cause == .completed)
    }

    @Test("a group waits for health: the next group initializes only after the key turns healthy")
    func healthGating() async throws {
        let clock = ManualClock()
        let gate = Gate()
        var builder = LifecycleBuilder()
        builder.addRunnable("db", options: .init(priority: 0, healthKeys: ["db"])) { context in
            await gate.wait()
            try context.setHealth("db", healthy: true)
            await context.untilStopRequested()
        }
        builder.add(ScriptedRunnable(), name: "web", options: .init(priority: 1))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)

        await recorder.trace.waitFor("db ready started")
        #expect(!recorder.trace.contains("web init started"))
        #expect(!lifecycle.health.isReady)
        gate.open()
        await recorder.trace.waitFor("ready")
        #expect(recorder.trace.mismatch([.ordered("db ready succeeded", "group 0 ready", "group 1 starting", "web init started")]) == nil)
        lifecycle.requestShutdown()
        #expect(await run.value.isClean)
    }

    @Test("an application of initializers only completes and finalizes in reverse order")
    func initializersOnly() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(), name: "first", options: .init(priority: 0))
        builder.addFinalizer("second", options: .init(priority: 1)) { _ in }
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let report = await lifecycle.run()
        let trace = await recorder.finished()
        #expect(report.isClean && report.cause == .completed)
        #expect(trace.mismatch([.ordered("first init succeeded", "second init succeeded", "ready", "shutdown",
                                         "second finalize succeeded", "first finalize succeeded", "finished")]) == nil)
    }

    @Test("a built lifecycle that has not run yet is not ready (a probe asked before run sees \"starting\")")
    func notReadyBeforeRun() throws {
        var builder = LifecycleBuilder()
        builder.addRunnable("idle") { context in await context.untilStopRequested() }
        let lifecycle = try builder.build()
        #expect(!lifecycle.health.isReady)
        #expect(lifecycle.health.status(of: "lifecycle")?.reason == "starting")
    }

    @Test("readiness turns false as soon as shutdown begins, before any stop")
    func readinessDropsFirst() async throws {
        let clock = ManualClock()
        let observed = ObservedReadiness()
        var builder = LifecycleBuilder()
        builder.add(ObservingStop(observed: observed), name: "svc")
        let lifecycle = try builder.build(options: testOptions(clock))
        observed.registry = lifecycle.health
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        #expect(lifecycle.health.isReady)
        lifecycle.requestShutdown()
        _ = await run.value
        #expect(observed.readyDuringStop == false)
    }
}

import Synchronization

final class ObservedReadiness: Sendable {
    private let state = Mutex<(registry: HealthRegistry?, ready: Bool?)>((nil, nil))
    var registry: HealthRegistry? {
        get { state.withLock { $0.registry } }
        set { state.withLock { $0.registry = newValue } }
    }
    var readyDuringStop: Bool? {
        get { state.withLock { $0.ready } }
        set { state.withLock { $0.ready = newValue } }
    }
}

struct ObservingStop: Runnable {
    let observed: ObservedReadiness
    func run(_ context: LifecycleContext) async throws { await context.untilStopRequested() }
    func stop(_ context: LifecycleContext) async throws { observed.readyDuringStop = observed.registry?.isReady }
}
