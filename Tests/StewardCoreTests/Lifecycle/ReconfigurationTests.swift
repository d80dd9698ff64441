import StewardCore
import StewardTesting
import TestSupport
import Testing

@Suite("Adding and removing components while running", .timeLimit(.minutes(1)))
struct ReconfigurationTests {
    @Test("an added runnable goes through inject, init, run and health; a removed one through stop and finalize")
    func addAndRemove() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "base")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")

        try await lifecycle.add(ScriptedRunnable(healthy: ["extra"]), name: "extra", options: .init(healthKeys: ["extra"]))
        await recorder.trace.waitFor("extra ready succeeded")  // events arrive through a stream
        #expect(recorder.trace.mismatch([.ordered("extra inject succeeded", "extra init succeeded", "extra run started", "extra ready succeeded")]) == nil)
        #expect(lifecycle.health.status(of: "extra")?.isHealthy == true)
        #expect(lifecycle.components.map(\.name) == ["base", "extra"])

        try await lifecycle.remove("extra")
        await recorder.trace.waitFor("extra finalize succeeded")
        #expect(recorder.trace.contains("extra stop succeeded"))
        #expect(lifecycle.health.status(of: "extra") == nil)
        #expect(lifecycle.components.map(\.name) == ["base"])
        #expect(!lifecycle.isShuttingDown)

        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean)
        let trace = await recorder.finished()
        #expect(trace.entries.filter { $0 == "extra stop started" }.count == 1)  // not stopped twice
    }

    /// Fault: a reload removes a component while the shutdown begins. Before, the unwind called
    /// `stop` again on the component the removal was stopping, then `finalize` twice.
    @Test("a removal racing the shutdown: stop and finalize each run once")
    func removalRacesShutdown() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "base")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        let gate = Gate()
        try await lifecycle.add(ScriptedRunnable(stop: .block(gate)), name: "extra")
        let removal = Task { try await lifecycle.remove("extra") }
        await recorder.trace.waitFor("extra stop started")
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("base stop succeeded")
        gate.open()
        try await removal.value
        let report = await run.value
        #expect(report.isClean, "\(report)")
        let trace = await recorder.finished()
        #expect(trace.entries.filter { $0 == "extra stop started" }.count == 1, "\(trace.entries)")
        #expect(trace.entries.filter { $0 == "extra finalize started" }.count == 1, "\(trace.entries)")
    }

    @Test("a component that fails to start is reported and rolled back; the application keeps running")
    func failedAddition() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "base")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        await #expect(throws: LifecycleChangeError.self) {
            try await lifecycle.add(ScriptedInitializer(initialize: .fail("bad")), name: "broken")
        }
        await #expect(throws: LifecycleChangeError.self) { try await lifecycle.add(ScriptedRunnable(), name: "base") }
        await #expect(throws: LifecycleChangeError.self) { try await lifecycle.remove("ghost") }
        #expect(lifecycle.components.map(\.name) == ["base"])
        #expect(!lifecycle.isShuttingDown)
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.errors.map(\.description) == ["broken: init failed (bad)"])
    }

    @Test("removing the last runnable completes the application like any runnable ending")
    func removingEverything() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "only")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        try await lifecycle.remove("only")
        let report = await run.value
        #expect(report.cause == .completed)
        #expect(report.isClean)
    }
}
