import StewardCore
import TestSupport
import StewardTesting
import Testing

@Suite("Failures during startup and supervision", .timeLimit(.minutes(1)))
struct FailureTests {
    @Test("init failure in the middle group: later groups never start, started ones unwind, initialized siblings finalize")
    func initFailureInMiddleGroup() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(), name: "a1", options: .init(priority: 0))
        builder.add(ScriptedRunnable(), name: "a2", options: .init(priority: 0))
        builder.add(ScriptedInitializer(initialize: .fail("disk on fire")), name: "b1", options: .init(priority: 1))
        builder.add(ScriptedRunnable(), name: "b2", options: .init(priority: 1))
        builder.add(ScriptedRunnable(), name: "c1", options: .init(priority: 2))
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let report = await lifecycle.run()
        let trace = await recorder.finished()

        #expect(report.errors.map(\.description) == ["b1: init failed (disk on fire)"])
        #expect(report.errors.first?.phase == .initialize)
        #expect(report.errors.first?.kind == .failed)
        #expect(report.exitCode == 1)
        #expect(report.cause == .failure)
        // b2's init either completed (then it is finalized) or was cancelled by the failure; it never runs.
        #expect(!trace.contains("b2 run started"))
        #expect(!trace.contains("c1 init started"))
        #expect(!trace.contains("b1 finalize started"))
        #expect(trace.mismatch([
            .ordered("a2 run started", "b1 init failed", "shutdown"),
            .unordered("a2 stop succeeded", "a2 run succeeded"),
            .unordered("a1 finalize succeeded", "a2 finalize succeeded"),
            .ordered("finished"),
        ]) == nil)
        if trace.contains("b2 init succeeded") {
            #expect(trace.mismatch([.ordered("b2 finalize succeeded", "a2 finalize succeeded")]) == nil
                || trace.mismatch([.ordered("b2 finalize succeeded", "a1 finalize succeeded")]) == nil)
        }
    }

    @Test("an initialized sibling of a failing initializer is finalized")
    func siblingFinalized() async throws {
        let gate = Gate()
        var builder = LifecycleBuilder()
        builder.addInitializer("fast", initialize: { _ in gate.open() }, finalize: { _ in })
        builder.addInitializer("slow") { _ in
            await gate.wait()
            throw TestFailure("boom")
        }
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let report = await lifecycle.run()
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["slow: init failed (boom)"])
        #expect(trace.contains("fast finalize succeeded"))
        #expect(!trace.contains("slow finalize started"))
    }

    /// Every failing initializer of a group is reported, not only the first: its siblings get
    /// the cancellation grace to finish; one still running after it is cancelled.
    @Test("after an init failure, a sibling that fails within the grace is reported too; one still running after it is cancelled")
    func siblingsGetTheGrace() async throws {
        let clock = ManualClock()
        let second = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(initialize: .fail("x broke")), name: "x")
        builder.addInitializer("w") { _ in
            await second.wait()
            throw TestFailure("w broke too")
        }
        builder.add(ScriptedInitializer(initialize: .hang), name: "y")
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = Task { await lifecycle.run() }
        await recorder.trace.waitFor("x init failed")
        second.open()
        await recorder.trace.waitFor("w init failed")
        await clock.waitForSleeper(at: .seconds(1))  // the grace
        clock.advance(by: .seconds(1))
        let report = await run.value
        let trace = await recorder.finished()
        #expect(Set(report.errors.map(\.description)) == ["x: init failed (x broke)", "w: init failed (w broke too)"])
        #expect(trace.contains("y init cancelled"))
        #expect(!trace.contains("y finalize started"))
        #expect(report.exitCode == 1)
    }

    @Test("run failure during startup stops startup and unwinds what started")
    func runFailureDuringStartup() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.fail("crashed early")]), name: "early", options: .init(priority: 0))
        builder.add(ScriptedRunnable(healthy: []), name: "waiting", options: .init(priority: 0, healthKeys: ["waiting"]))
        builder.add(ScriptedRunnable(), name: "late", options: .init(priority: 1))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let report = await lifecycle.run()
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["early: run failed (crashed early)"])
        #expect(!trace.contains("late init started"))
        #expect(trace.contains("waiting ready cancelled"))
        #expect(trace.contains("waiting stop succeeded"))
        #expect(!trace.contains("ready"))
    }

    @Test("run failure after startup triggers shutdown immediately")
    func runFailureAfterStartup() async throws {
        let gate = Gate()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.failAfter(gate, "lost connection")]), name: "worker", options: .init(priority: 1))
        builder.add(ScriptedRunnable(), name: "db", options: .init(priority: 0))
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        gate.open()
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["worker: run failed (lost connection)"])
        #expect(report.cause == .failure)
        #expect(trace.mismatch([.ordered("worker run failed", "shutdown"), .unordered("db stop succeeded", "db run succeeded")]) == nil)
        #expect(!trace.contains("worker stop started"))
    }

    @Test("unexpected return without early exit is an error")
    func unexpectedReturn() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.returnNow]), name: "quitter")
        builder.add(ScriptedRunnable(), name: "steady")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let report = await lifecycle.run()
        #expect(report.errors.map(\.description) == ["quitter: unexpected return"])
        #expect(report.errors.first?.kind == .unexpectedReturn)
        #expect(report.exitCode == 1)
    }

    @Test("return with early exit allowed is simply done and is not stopped later")
    func earlyExit() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.returnNow]), name: "oneshot", options: .init(allowsEarlyExit: true))
        builder.add(ScriptedRunnable(), name: "steady")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("oneshot run exited")
        await recorder.trace.waitFor("ready")
        #expect(!lifecycle.isShuttingDown)
        lifecycle.requestShutdown()
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.isClean)
        #expect(!trace.contains("oneshot stop started"))
        #expect(trace.contains("steady stop succeeded"))
        #expect(trace.contains("oneshot finalize succeeded"))
    }

    @Test("when every runnable exits early the application completes cleanly")
    func allExitedEarly() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.returnNow]), name: "a", options: .init(allowsEarlyExit: true))
        builder.add(ScriptedRunnable(runs: [.returnNow]), name: "b", options: .init(priority: 1, allowsEarlyExit: true))
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let report = await lifecycle.run()
        #expect(report.isClean)
        #expect(report.cause == .completed)
    }

    @Test("a non-critical runnable that fails for good is reported; the application keeps running")
    func nonCritical() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.fail("optional feature broke")]), name: "extra", options: .init(isCritical: false))
        builder.add(ScriptedRunnable(), name: "core")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("extra run failed")
        await recorder.trace.waitFor("ready")
        #expect(!lifecycle.isShuttingDown)
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.errors.map(\.description) == ["extra: run failed (optional feature broke)"])
        #expect(report.cause == .request)
    }

    @Test("errors during the unwind are collected and never abort it")
    func unwindErrorsCollected() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(finalize: .fail("could not flush")), name: "cache", options: .init(priority: 0))
        builder.add(ScriptedRunnable(stop: .fail("stop refused"), finalize: .fail("close failed")), name: "api", options: .init(priority: 1))
        builder.add(ScriptedRunnable(), name: "mid", options: .init(priority: 1))
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        lifecycle.requestShutdown()
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == [
            "api: stop failed (stop refused)", "api: finalize failed (close failed)", "cache: finalize failed (could not flush)",
        ])
        #expect(trace.contains("mid finalize succeeded"))
        #expect(report.exitCode == 1)
    }
}

import Synchronization

/// Opens `gate` after `count` ticks.
final class Countdown2: Sendable {
    private let remaining: Mutex<Int>
    private let gate: Gate
    init(_ count: Int, _ gate: Gate) { remaining = Mutex(count); self.gate = gate }
    func tick() { if remaining.withLock({ $0 -= 1; return $0 }) == 0 { gate.open() } }
}
