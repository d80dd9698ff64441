import StewardCore
import StewardTesting
import Testing

/// What `StewardTesting` gives users: the recorder, "wait until ready", the gate, the strict trace.
@Suite("StewardTesting: the kit users test their lifecycles with", .timeLimit(.minutes(1)))
struct TestKitTests {
    @Test("a recorder sees every event; waitUntilReady returns at ready; a gate holds a stop until opened")
    func recorderAndGate() async throws {
        let gate = Gate()
        var builder = LifecycleBuilder()
        builder.addInitializer("db", initialize: { _ in }, finalize: { _ in })
        builder.addRunnable("web", options: .init(priority: 1)) { context in
            await context.untilStopRequested()
        } stop: { _ in
            await gate.wait()
        }
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let running = lifecycle.runInBackground()
        await recorder.waitUntilReady()
        lifecycle.requestShutdown()
        await recorder.trace.waitFor("web stop started")
        #expect(!gate.isOpen && !recorder.trace.contains("web stop succeeded"))
        gate.open()
        let report = await running.report
        #expect(report.isClean)
        let trace = await recorder.finished()
        #expect(trace.mismatch([.ordered("ready", "shutdown", "web stop started", "web stop succeeded", "db finalize succeeded")]) == nil)
    }

    @Test("a strict trace fails on an entry no group names; the lenient one ignores it")
    func strictTrace() {
        let trace = Trace()
        for entry in ["a init started", "a init succeeded", "a run restarting", "a run started"] { trace.record(entry) }
        let groups: [Trace.Group] = [.ordered("a init started", "a init succeeded"), .ordered("a run started")]
        #expect(trace.mismatch(groups) == nil)
        #expect(trace.strictMismatch(groups)?.contains("unexpected entry \"a run restarting\"") == true)
        #expect(trace.strictMismatch(groups + [.ordered("a run restarting")]) != nil)  // out of order
        #expect(trace.strictMismatch([.ordered("a init started", "a init succeeded"), .unordered("a run started", "a run restarting")]) == nil)
    }
}
