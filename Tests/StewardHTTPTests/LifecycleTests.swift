import StewardCore
@testable import StewardHTTP
import Testing

@Suite("Binding, lifecycle and shutdown", .timeLimit(.minutes(1)))
struct LifecycleTests {
    private func quietOptions() -> LifecycleOptions {
        LifecycleOptions(signals: .disabled, logger: Logger(label: "test", sink: MemoryLogSink(capacity: 100)))
    }

    @Test("binding a port already in use fails with addressInUse and names the address")
    func bindConflict() async throws {
        let first = HTTPServer(handler: testRouter())
        try first.start()
        let port = try #require(first.boundPort)
        let second = HTTPServer(configuration: .init(port: port), handler: testRouter())
        do {
            try second.start()
            Issue.record("the second bind succeeded")
        } catch {
            #expect(error.code == .addressInUse)
            #expect(error.address == "127.0.0.1:\(port)")
            #expect(error.description.contains("127.0.0.1:\(port)"))
            #expect(error.description.contains("address already in use"))
        }
        #expect(second.boundPort == nil)
        await first.shutdown()
    }

    @Test("a host that is not an IP literal is an invalid address")
    func invalidHost() {
        let server = HTTPServer(configuration: .init(host: "no-such-host.invalid", port: 8080), handler: testRouter())
        #expect(throws: HTTPServerError.self) { try server.bind() }
        do {
            try server.bind()
        } catch {
            #expect(error.code == .invalidAddress)
            #expect(error.description.contains("no-such-host.invalid:8080"))
        }
    }

    @Test("bind() reserves the port before serving; a connection made meanwhile is served after start()")
    func bindThenStart() async throws {
        let server = HTTPServer(handler: testRouter())
        try server.bind()
        let port = try #require(server.boundPort)
        #expect(!server.isServing)
        let client = try await TestConnection.open(port: port)
        try await client.send(get("/hello"))
        try server.start()
        #expect(server.boundPort == port)
        #expect(try await client.response().status == 200)
        await server.shutdown()
        #expect(server.boundPort == nil)
    }

    @Test("shutdown closes idle connections, finishes in-flight responses, and the server can start again")
    func shutdownAndRestart() async throws {
        let gate = Gate()
        var router = testRouter()
        router.get("/gate") { _ in
            await gate.wait()
            return .text("released\n")
        }
        let server = HTTPServer(handler: router)
        try server.start()
        let port = try #require(server.boundPort)
        let idle = try await TestConnection.open(port: port)
        #expect(try await idle.exchange(get("/hello")).status == 200)
        let busy = try await TestConnection.open(port: port)
        try await busy.send(get("/gate"))
        #expect(await eventually { gate.arrivals == 1 })
        let stopping = Task { await server.shutdown() }
        #expect(await idle.closesEventually())
        gate.open()
        let response = try await busy.response()
        #expect(response.status == 200)
        #expect(response.closes)
        #expect(response.bodyText == "released\n")
        #expect(await busy.closesEventually())
        await stopping.value
        #expect(!server.isServing)
        #expect(server.connectionCount == 0)

        try server.start()
        let again = try await TestConnection.open(port: try #require(server.boundPort))
        #expect(try await again.exchange(get("/hello")).status == 200)
        await server.shutdown()
    }

    @Test("as a lifecycle component: binds in initialize, reports health, serves, and run returns on shutdown")
    func lifecycleComponent() async throws {
        let gate = Gate()
        var router = testRouter()
        router.get("/gate") { _ in
            await gate.wait()
            return .text("released\n")
        }
        var configuration = HTTPServerConfiguration()
        configuration.healthKey = "http"
        let server = HTTPServer(configuration: configuration, handler: router)
        var builder = LifecycleBuilder()
        builder.add(server, name: "http", options: .init(healthKeys: ["http"], startupTimeout: .seconds(20)))
        let lifecycle = try builder.build(options: quietOptions())
        let run = Task { await lifecycle.run() }
        #expect(await eventually { lifecycle.health.isReady })
        #expect(lifecycle.health.status(of: "http")?.isHealthy == true)
        let port = try #require(server.boundPort)

        let idle = try await TestConnection.open(port: port)
        #expect(try await idle.exchange(get("/hello")).status == 200)
        let busy = try await TestConnection.open(port: port)
        try await busy.send(get("/gate"))
        #expect(await eventually { gate.arrivals == 1 })

        lifecycle.requestShutdown()
        #expect(await idle.closesEventually())
        gate.open()
        let response = try await busy.response()
        #expect(response.status == 200)
        #expect(response.closes)
        let report = await run.value
        #expect(report.isClean, "\(report)")
        #expect(!server.isServing)
        #expect(server.boundPort == nil)
        // The listener is closed: a connection is refused (binding the port again would race
        // with any process's outgoing connections, which take ephemeral ports too).
        let refused = try? await TestConnection.open(port: port)
        #expect(refused == nil, "the port still accepts connections")
    }

    @Test("a bind failure in initialize fails startup with an error naming the address")
    func lifecycleBindFailure() async throws {
        let occupant = HTTPServer(handler: testRouter())
        try occupant.bind()
        let port = try #require(occupant.boundPort)
        var builder = LifecycleBuilder()
        builder.add(HTTPServer(configuration: .init(port: port), handler: testRouter()), name: "http")
        let report = await (try builder.build(options: quietOptions())).run()
        #expect(report.exitCode == 1)
        #expect(report.errors.map(\.description).contains { $0.contains("http: init failed") && $0.contains("127.0.0.1:\(port)") },
                "\(report)")
        await occupant.shutdown()
    }
}
