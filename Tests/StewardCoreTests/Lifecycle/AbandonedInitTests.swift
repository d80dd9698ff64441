import StewardCore
import StewardTesting
import TestSupport
import Testing

/// An initializer still running when the runner gives up on it (its init timeout, or a shutdown
/// during startup): reported as abandoned, finalized exactly once if it succeeds later, never if
/// it fails.
@Suite("Abandoned initializers", .timeLimit(.minutes(1)))
struct AbandonedInitTests {
    /// Registers `migrate`, whose `initialize` ignores cancellation until `release` opens, then
    /// succeeds (or throws if `fails`), and a runnable `after` in the next group.
    private func builder(release: Gate, calls: Trace, fails: Bool = false, initTimeout: Duration? = .seconds(5)) -> LifecycleBuilder {
        var builder = LifecycleBuilder()
        builder.addInitializer("migrate", options: .init(initTimeout: initTimeout)) { _ in
            await release.wait()
            calls.record("init returned")
            if fails { throw TestFailure("late failure") }
        } finalize: { _ in
            calls.record("finalized")
        }
        builder.add(ScriptedRunnable(), name: "after", options: .init(priority: 1))
        return builder
    }

    @Test("past its init timeout and the cancellation grace, it is abandoned; a later success is finalized once")
    func abandonedThenSucceeds() async throws {
        let clock = ManualClock(), release = Gate(), calls = Trace()
        let lifecycle = try builder(release: release, calls: calls).build(options: testOptions(clock))
        let run = start(lifecycle)
        await clock.waitForSleeper(at: .seconds(5))
        clock.advance(to: .init(offset: .seconds(5)))      // the init timeout
        await clock.waitForSleeper(at: .seconds(6))        // it has the cancellation grace to return
        clock.advance(to: .init(offset: .seconds(6)))
        let report = await run.value

        #expect(report.errors.map(\.description) == ["migrate: init timeout (5s)"])
        #expect(report.abandoned == ["migrate"])
        #expect("\(report)".hasSuffix("\n  abandoned: migrate"), "\(report)")
        #expect(calls.entries.isEmpty)
        release.open()                                     // it succeeds after the runner returned
        await calls.waitFor("finalized")
        #expect(calls.entries == ["init returned", "finalized"])
        #expect(await eventually { lifecycle.components.first?.status == .finalized })
    }

    @Test("a success within the cancellation grace is finalized in its turn and is not abandoned")
    func succeedsWithinTheGrace() async throws {
        let clock = ManualClock(), release = Gate(), calls = Trace()
        let lifecycle = try builder(release: release, calls: calls).build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await clock.waitForSleeper(at: .seconds(5))
        clock.advance(to: .init(offset: .seconds(5)))
        await clock.waitForSleeper(at: .seconds(6))
        release.open()
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["migrate: init timeout (5s)"])
        #expect(report.abandoned.isEmpty)
        #expect(calls.entries == ["init returned", "finalized"])
        #expect(trace.mismatch([.ordered("migrate init started", "migrate init timed out", "shutdown",
                                         "migrate finalize started", "migrate finalize succeeded", "finished")]) == nil,
                "\(trace.entries)")
    }

    @Test("a late failure is never finalized, within the grace or after the runner returned")
    func lateFailureIsNotFinalized() async throws {
        for afterReturn in [false, true] {
            let clock = ManualClock(), release = Gate(), calls = Trace()
            let sink = MemoryLogSink(capacity: 1000)
            let options = testOptions(clock, logger: Logger(label: "test", sink: sink))
            let lifecycle = try builder(release: release, calls: calls, fails: true).build(options: options)
            let run = start(lifecycle)
            await clock.waitForSleeper(at: .seconds(5))
            clock.advance(to: .init(offset: .seconds(5)))
            await clock.waitForSleeper(at: .seconds(6))
            if afterReturn { clock.advance(to: .init(offset: .seconds(6))) } else { release.open() }
            let report = await run.value
            #expect(report.abandoned == (afterReturn ? ["migrate"] : []))
            release.open()
            // The runner logs its decision about a late result; once it is logged, nothing follows.
            #expect(await eventually { sink.messages.contains { $0.contains("failed after it was abandoned") } }, "\(sink.messages)")
            #expect(calls.entries == ["init returned"])
        }
    }

    @Test("shutdown during startup: a cancelled init that keeps running is abandoned, and finalized after a late success")
    func shutdownDuringStartup() async throws {
        let clock = ManualClock(), release = Gate(), calls = Trace()
        let lifecycle = try builder(release: release, calls: calls, initTimeout: nil).build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("migrate init started")
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("migrate init cancelled")
        await clock.waitForSleeper(at: .seconds(1))        // the cancellation grace
        clock.advance(to: .init(offset: .seconds(1)))
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.isEmpty)
        #expect(report.abandoned == ["migrate"])
        #expect(!report.isClean)
        #expect("\(report)" == "lifecycle ended with abandoned components after shutdown requested, exit code 1\n  abandoned: migrate")
        #expect(!trace.contains("after init started"))
        release.open()
        await calls.waitFor("finalized")
        #expect(calls.entries == ["init returned", "finalized"])
    }

    @Test("an init that returns once cancelled is not abandoned")
    func cooperativeInitIsNotAbandoned() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(initialize: .hang), name: "migrate", options: .init(initTimeout: .seconds(5)))
        let lifecycle = try builder.build(options: testOptions(clock))
        let run = start(lifecycle)
        await clock.waitForSleeper(at: .seconds(5))
        clock.advance(to: .init(offset: .seconds(5)))
        let report = await run.value
        #expect(report.errors.map(\.description) == ["migrate: init timeout (5s)"])
        #expect(report.abandoned.isEmpty)
    }
}
