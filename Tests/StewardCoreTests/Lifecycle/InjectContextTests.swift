import StewardCore
import StewardTesting
import TestSupport
import Testing

/// An initializer that resolves its services from the context `inject` gets, as every other phase.
private struct ContextInjected: Initializer {
    let seen: SeenValues

    func inject(_ context: LifecycleContext) async throws {
        seen.add("name=\(context.name)")
        seen.add("metadata=\(context.metadata["team"] ?? "-")")
        seen.add("logger=\(context.logger[metadataKey: "component"] ?? "-")")
        seen.add("overlay logger=\(try context.services.resolve(.logger)[metadataKey: "component"] ?? "-")")
        seen.add("url=\(try context.services.resolve(.databaseURL))")
        seen.add("health=\(context.health.status(of: "injected.ready") != nil)")
        try context.setHealth("injected.ready", healthy: false, reason: "injected, not yet initialized")
        context.logger.info("resolved")
    }

    func initialize(_ context: LifecycleContext) async throws { seen.add("initialized") }
}

/// A conformer written against the earlier form, `inject(_ services:)`: it still gets called.
private struct ServicesInjected: Initializer {
    let seen: SeenValues

    func inject(_ services: ServiceContainer) async throws {
        seen.add("services logger=\(try services.resolve(.logger)[metadataKey: "component"] ?? "-")")
    }

    func initialize(_ context: LifecycleContext) async throws {}
}

/// A runnable added while running gets its context in `inject` too.
private struct InjectedRunnable: Runnable {
    let seen: SeenValues

    func inject(_ context: LifecycleContext) async throws { seen.add("added inject name=\(context.name)") }
    func run(_ context: LifecycleContext) async throws { await context.untilStopRequested() }
}

/// An `inject` that throws is an inject error of the component, reported like before.
private struct FailingInject: Initializer {
    func inject(_ context: LifecycleContext) async throws { throw TestFailure("no \(context.name) config") }
    func initialize(_ context: LifecycleContext) async throws {}
}

@Suite("inject gets the component's context", .timeLimit(.minutes(1)))
struct InjectContextTests {
    @Test("inject(_ context:) sees the component's name, metadata, logger, overlay and the health registry")
    func contextForm() async throws {
        let seen = SeenValues()
        let sink = MemoryLogSink(capacity: 100)
        var builder = LifecycleBuilder()
        try builder.services.register(.databaseURL, "postgres://db")
        builder.add(ContextInjected(seen: seen), name: "injected",
                    options: .init(metadata: ["team": "storage"], healthKeys: ["injected.ready"]))
        let options = testOptions(ManualClock(), logger: Logger(label: "test", sink: sink))
        let report = await (try builder.build(options: options)).run()
        #expect(report.isClean, "\(report)")
        #expect(seen.values == ["name=injected", "metadata=storage", "logger=injected", "overlay logger=injected",
                                "url=postgres://db", "health=true", "initialized"])
        let line = sink.records.first { $0.message == "resolved" }
        #expect(line?.metadata["component"] == "injected")
        #expect(line?.metadata["team"] == "storage")
    }

    @Test("a conformer of the earlier inject(_ services:) is still called, with the component's overlay")
    func servicesForm() async throws {
        let seen = SeenValues()
        var builder = LifecycleBuilder()
        builder.add(ServicesInjected(seen: seen), name: "legacy")
        let report = await (try builder.build(options: testOptions(ManualClock()))).run()
        #expect(report.isClean, "\(report)")
        #expect(seen.values == ["services logger=legacy"])
    }

    @Test("a throwing inject(_ context:) is an inject error and the component is never initialized")
    func failure() async throws {
        var builder = LifecycleBuilder()
        builder.add(FailingInject(), name: "broken")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let report = await lifecycle.run()
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["broken: inject failed (no broken config)"])
        #expect(!trace.contains("broken init started"))
    }

    @Test("a component added while running gets its context in inject too")
    func addedComponent() async throws {
        let seen = SeenValues()
        var builder = LifecycleBuilder()
        builder.add(ScriptedRunnable(), name: "base")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.waitUntilReady()
        try await lifecycle.add(InjectedRunnable(seen: seen), name: "extra")
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean, "\(report)")
        #expect(seen.values == ["added inject name=extra"])
    }
}
