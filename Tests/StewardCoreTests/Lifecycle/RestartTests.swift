import StewardCore
import TestSupport
import StewardTesting
import Testing

@Suite("Restart policy", .timeLimit(.minutes(1)))
struct RestartTests {
    @Test("on-failure restarts with capped exponential backoff")
    func backoff() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        let policy = RestartPolicy(mode: .onFailure, backoff: .milliseconds(100), maxBackoff: .milliseconds(300), jitter: 0,
                                   maxRestarts: 10, window: .seconds(60))
        builder.add(ScriptedRunnable(runs: [.fail("1"), .fail("2"), .fail("3"), .fail("4"), .serve]), name: "flaky",
                    options: .init(restart: policy))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        // Backoffs: 100 ms, 200 ms, then capped at 300 ms twice.
        var now = Duration.zero
        for delay in [100, 200, 300, 300] {
            now += .milliseconds(delay)
            await clock.waitForSleeper(at: now)
            clock.advance(to: .init(offset: now))
        }
        await recorder.trace.waitFor("flaky run started", count: 5)
        let snapshot = try #require(lifecycle.components.first)
        #expect(snapshot.restarts == 4)
        #expect(snapshot.attempts == 5)
        #expect(snapshot.status == .running)
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean)
    }

    @Test("intensity limit: more than maxRestarts within the window fails for good and shuts down")
    func intensityLimit() async throws {
        let clock = ManualClock()
        var builder = LifecycleBuilder()
        let policy = RestartPolicy(mode: .always, backoff: .seconds(1), maxBackoff: .seconds(1), jitter: 0, maxRestarts: 2, window: .seconds(60))
        builder.add(ScriptedRunnable(runs: [.fail("boom")]), name: "crashy", options: .init(restart: policy))
        builder.add(ScriptedRunnable(), name: "bystander", options: .init(priority: -1))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await clock.waitForSleeper(at: .seconds(1))
        clock.advance(by: .seconds(1))
        await clock.waitForSleeper(at: .seconds(2))
        clock.advance(by: .seconds(1))
        let report = await run.value
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["crashy: run failed (boom; more than 2 restarts within 1m)"])
        #expect(report.errors.first?.kind == .restartLimit)
        #expect(trace.mismatch([.ordered("crashy run restarting", "crashy run restarting", "crashy run failed", "shutdown")]) == nil)
        #expect(trace.contains("bystander stop succeeded"))
    }

    @Test("restarts outside the window do not count toward the limit")
    func windowSlides() async throws {
        let clock = ManualClock()
        let gates = [Gate(), Gate(), Gate()]
        var builder = LifecycleBuilder()
        let policy = RestartPolicy(mode: .onFailure, backoff: .seconds(1), maxBackoff: .seconds(1), jitter: 0, maxRestarts: 1, window: .seconds(10))
        builder.add(ScriptedRunnable(runs: [.failAfter(gates[0], "a"), .failAfter(gates[1], "b"), .failAfter(gates[2], "c"), .serve]),
                    name: "slowfail", options: .init(restart: policy))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        var now = Duration.zero
        for gate in gates {
            await recorder.trace.waitFor("ready")
            gate.open()
            now += .seconds(1)
            await clock.waitForSleeper(at: now)
            clock.advance(to: .init(offset: now))
            now += .seconds(20)  // the next failure comes well after the window
            clock.advance(to: .init(offset: now))
        }
        #expect(!lifecycle.isShuttingDown)
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean)
        #expect(lifecycle.components.first?.restarts == 3)
    }

    @Test("a run that stayed up for resetAfter resets the backoff")
    func backoffResets() async throws {
        let clock = ManualClock()
        let gate = Gate()
        var builder = LifecycleBuilder()
        let policy = RestartPolicy(mode: .onFailure, backoff: .seconds(1), maxBackoff: .seconds(8), jitter: 0,
                                   resetAfter: .seconds(30), maxRestarts: 10, window: .seconds(5))
        builder.add(ScriptedRunnable(runs: [.fail("x"), .failAfter(gate, "y"), .serve]), name: "svc", options: .init(restart: policy))
        let lifecycle = try builder.build(options: testOptions(clock))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await clock.waitForSleeper(at: .seconds(1))  // first backoff: 1 s
        clock.advance(by: .seconds(1))
        await recorder.trace.waitFor("svc run started", count: 2)
        clock.advance(by: .seconds(40))             // attempt 2 stays up 40 s ≥ resetAfter
        gate.open()
        await clock.waitForSleeper(at: .seconds(42))  // backoff back to 1 s, not 2 s
        clock.advance(by: .seconds(1))
        lifecycle.requestShutdown()
        #expect(await run.value.isClean)
    }

    @Test("jitter only shortens the backoff, within the jitter fraction")
    func jitterBounds() {
        let policy = RestartPolicy(mode: .always, backoff: .seconds(1), maxBackoff: .seconds(10), jitter: 0.5)
        #expect(policy.delay(forRestart: 1, random: 0) == .seconds(1))
        #expect(policy.delay(forRestart: 1, random: 0.999_999) > .milliseconds(500))
        #expect(policy.delay(forRestart: 3, random: 0.5) == .seconds(3))
        #expect(policy.delay(forRestart: 50, random: 0) == .seconds(10))
    }
}
