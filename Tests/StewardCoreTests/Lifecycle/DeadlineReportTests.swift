import StewardCore
import StewardTesting
import TestSupport
import Testing

/// The report after the global shutdown deadline: the same on every run, naming the deadline.
@Suite("Shutdown deadline report", .timeLimit(.minutes(2)))
struct DeadlineReportTests {
    /// One run of the scenario: group 2 (`c`, `d`) has stops that time out at the same instant;
    /// group 1 (`a` ignores everything, `b` returns once cancelled) has stops that never return,
    /// so the 30 s deadline passes while the unwind waits for them; `db` is never finalized.
    private func runPastTheDeadline() async throws -> LifecycleReport {
        let clock = ManualClock()
        let never = Gate()
        defer { never.open() }
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(), name: "db", options: .init(priority: 0))
        builder.add(ScriptedRunnable(runs: [.block(never)], stop: .block(never)), name: "a",
                    options: .init(priority: 1, stopTimeout: nil, shutdownTimeout: nil))
        builder.add(ScriptedRunnable(runs: [.untilCancelled], stop: .block(never)), name: "b",
                    options: .init(priority: 1, stopTimeout: nil, shutdownTimeout: nil))
        builder.add(ScriptedRunnable(stop: .block(never)), name: "c", options: .init(priority: 2, stopTimeout: .seconds(5)))
        builder.add(ScriptedRunnable(stop: .block(never)), name: "d", options: .init(priority: 2, stopTimeout: .seconds(5)))
        let lifecycle = try builder.build(options: testOptions(clock, deadline: .seconds(30)))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.waitUntilReady()
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("c stop started")
        await recorder.trace.waitFor("d stop started")
        await clock.waitForSleeper(at: .seconds(5))
        clock.advance(to: .init(offset: .seconds(5)))  // both stop timeouts, at one instant
        await recorder.trace.waitFor("a stop started")
        await recorder.trace.waitFor("b stop started")
        await clock.waitForSleeper(at: .seconds(30))
        clock.advance(to: .init(offset: .seconds(30)))  // the shutdown deadline
        return await run.value
    }

    @Test("50 runs of one scenario give one report, which names the deadline as the cause")
    func sameReportEveryRun() async throws {
        let expected = """
            lifecycle was forced (shutdown deadline of 30s passed) with 3 error(s) after shutdown requested, exit code 3
              - c: stop timeout (5s)
              - d: stop timeout (5s)
              - lifecycle: shutdown deadline of 30s passed (still running: a, b; not finalized: db, c, d)
              abandoned: a, b
            """
        var descriptions: [String: Int] = [:]
        for _ in 0..<50 {
            let report = try await runPastTheDeadline()
            descriptions["\(report)", default: 0] += 1
            #expect(report.abandoned == ["a", "b"])
            #expect(report.errors.last?.kind == .deadline)
            #expect(report.forced)
            #expect(report.exitCode == LifecycleReport.forcedExitCode)
        }
        #expect(descriptions == [expected: 50], "\(descriptions)")
    }

    @Test("a shutdown forced by a second request does not mention the deadline")
    func forcedByRequest() async throws {
        let clock = ManualClock()
        let never = Gate()
        defer { never.open() }
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(runs: [.untilCancelled], stop: .block(never)), name: "svc",
                    options: .init(stopTimeout: nil, shutdownTimeout: nil))
        let lifecycle = try builder.build(options: testOptions(clock, deadline: .seconds(30)))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.waitUntilReady()
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("svc stop started")
        lifecycle.forceShutdown()
        let report = await run.value
        #expect("\(report)" == """
            lifecycle was forced with 1 error(s) after shutdown requested, exit code 3
              - svc: stop failed (cancelled by a forced shutdown)
            """)
    }
}
