import StewardCore
import StewardHTTP
import TestSupport
import Testing

/// An application's `main` mounting the probes on its own server, as a component of its lifecycle.
@Suite("Lifecycle probes mounted in an application", .timeLimit(.minutes(1)))
struct LifecycleRoutesTests {
    @Test("the app's /readyz follows its health keys and fails once shutdown begins, while its components still run")
    func mountedProbes() async throws {
        let gate = Latch()
        let release = Latch()
        var builder = LifecycleBuilder()
        let reference = LifecycleReference()
        var router = HTTPRouter()
        router.get("/hello") { _ in .text("hi\n") }
        LifecycleRoutes.mount(reference, on: &router)
        let server = HTTPServer(configuration: .init(port: 0), handler: router)
        builder.add(server, name: "http", options: .init(priority: 0))
        builder.addRunnable("cache", options: .init(priority: 1, healthKeys: ["cache"])) { context in
            await gate.wait()
            try context.setHealth("cache", healthy: true)
            await context.untilStopRequested()
            await release.wait()  // still running while the test looks at /readyz
        }
        let lifecycle = try builder.build(options: LifecycleOptions(signals: .disabled, logger: Logger(label: "t", sink: MemoryLogSink(capacity: 100))))
        #expect(throws: Never.self) { try server.bind() }
        let http = LoopbackHTTP(port: try #require(server.boundPort))
        try server.start()
        #expect(await http.get("/readyz")?.status == 503, "answers before the lifecycle is bound")
        reference.bind(lifecycle)
        let run = Task { await lifecycle.run() }
        #expect(await TestSupport.eventually { await http.get("/readyz?verbose")?.body.contains("[-]cache failed: not yet reported") == true })
        #expect(await http.get("/livez")?.body == "ok")
        #expect(await http.get("/hello")?.body == "hi\n")
        gate.fire()
        #expect(await TestSupport.eventually { await http.get("/readyz")?.status == 200 })
        // The server reports its own readiness under its component name, once it listens.
        let verbose = await http.get("/readyz?verbose")?.body
        #expect(verbose == "[+]http ok\n[+]cache ok\n[+]lifecycle ok\nreadyz check passed\n", "\(verbose ?? "nil")")
        #expect(await http.get("/readyz?exclude=cache&verbose")?.body == "[+]http ok\n[+]lifecycle ok\nreadyz check passed\n")
        lifecycle.requestShutdown()
        #expect(await TestSupport.eventually { await http.get("/readyz")?.status == 500 })
        #expect(await http.get("/readyz?verbose")?.body.contains("[-]lifecycle failed: shutting down") == true)
        release.fire()
        let report = await run.value
        #expect(report.isClean, "\(report)")
    }
}
