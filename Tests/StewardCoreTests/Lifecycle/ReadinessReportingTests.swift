import StewardCore
import StewardTesting
import Testing

/// A component that serves something is ready once it says so, not when its `run` starts.
@Suite("Components that report their own readiness", .timeLimit(.minutes(1)))
struct ReadinessReportingTests {
    struct Listener: ReadinessReporting {
        let listening: Gate
        let trace: Trace
        func run(_ context: LifecycleContext) async throws {
            await listening.wait()  // binding and listening take their time
            trace.record("listener listening")
            context.setReady(true)
            await context.untilStopRequested()
        }
    }

    @Test("the next group and the application's readiness wait until the component says it is ready")
    func nextGroupWaits() async throws {
        let listening = Gate()
        var builder = LifecycleBuilder()
        let recorderTrace = Trace()
        builder.add(Listener(listening: listening, trace: recorderTrace), name: "listener", options: .init(priority: 0))
        builder.addInitializer("next", options: .init(priority: 1), initialize: { _ in recorderTrace.record("next init") })
        let lifecycle = try builder.build(options: LifecycleOptions(signals: .disabled, shutdownDeadline: nil,
                                                                    logger: Logger(label: "test", sink: MemoryLogSink(capacity: 100))))
        let health = lifecycle.health
        let recorder = EventRecorder(lifecycle)
        let running = lifecycle.runInBackground()
        await recorder.trace.waitFor("listener run started")
        // Registered by the runner, no healthKeys given at the registration site; not ready yet.
        let status = try #require(health.status(of: "listener"))
        #expect(!status.isHealthy)
        #expect(!recorderTrace.contains("next init"))
        listening.open()
        await recorder.waitUntilReady()
        #expect(health.status(of: "listener")?.isHealthy == true)
        #expect(recorderTrace.mismatch([.ordered("listener listening", "next init")]) == nil)
        #expect(recorder.trace.mismatch([.ordered("listener run started", "group 0 ready", "next init started", "ready")]) == nil)
        lifecycle.requestShutdown()
        #expect(await running.report.isClean)
    }

    @Test("listing the component's own key in healthKeys as well is allowed and changes nothing")
    func explicitKeyToo() async throws {
        let listening = Gate()
        listening.open()
        var builder = LifecycleBuilder()
        builder.add(Listener(listening: listening, trace: Trace()), name: "listener", options: .init(healthKeys: ["listener"]))
        let lifecycle = try builder.build(options: LifecycleOptions(signals: .disabled, shutdownDeadline: nil,
                                                                    logger: Logger(label: "test", sink: MemoryLogSink(capacity: 100))))
        let recorder = EventRecorder(lifecycle)
        let running = lifecycle.runInBackground()
        await recorder.waitUntilReady()
        lifecycle.requestShutdown()
        #expect(await running.report.isClean)
    }
}
