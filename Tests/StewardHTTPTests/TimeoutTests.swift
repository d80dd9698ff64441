#if canImport(Glibc)
import Glibc
#endif
@testable import StewardHTTP
import Synchronization
import Testing

@Suite("Timeouts", .timeLimit(.minutes(1)))
struct TimeoutTests {
    @Test("a slowloris client dribbling its head is dropped at the header deadline while others are served")
    func slowloris() async throws {
        // 4 s: the normal client's first request must arrive within it, even on a machine busy
        // with the rest of the suite (2 s was missed there about once in ten runs).
        try await withServer(configure: { $0.headerTimeout = .seconds(4) }) { server, port in
            let slow = try await TestConnection.open(port: port)
            let dropped = Atomic<Bool>(false)
            // Dribble one byte every 20 ms for up to 15 s: a per-byte timer would never fire.
            let dribbler = Task {
                try await slow.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: ")
                for _ in 0..<750 {
                    do {
                        try await slow.send("a")
                    } catch {
                        dropped.store(true, ordering: .relaxed)
                        return
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            // Meanwhile a normal client is served, repeatedly.
            let normal = try await TestConnection.open(port: port)
            for _ in 0..<5 { #expect(try await normal.exchange(get("/hello")).status == 200) }
            // The slow client is closed: it sees EOF, and its sends start failing.
            #expect(await slow.closesEventually())
            #expect(await eventually { dropped.load(ordering: .relaxed) })
            dribbler.cancel()
            #expect(await eventually { server.connectionCount == 1 })
            #expect(try await normal.exchange(get("/hello")).status == 200)
        }
    }

    @Test("a connection that never sends a request is dropped after the header timeout")
    func silentConnection() async throws {
        try await withServer(configure: { $0.headerTimeout = .milliseconds(200) }) { server, port in
            let client = try await TestConnection.open(port: port)
            #expect(await client.closesEventually())
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout, not the header timeout")
    func idleKeepAlive() async throws {
        try await withServer(configure: {
            $0.idleTimeout = .milliseconds(200)
            $0.headerTimeout = .seconds(30)
        }) { server, port in
            let client = try await TestConnection.open(port: port)
            #expect(try await client.exchange(get("/hello")).status == 200)
            #expect(await client.closesEventually())
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test("a body that never arrives is dropped after the body timeout")
    func bodyTimeout() async throws {
        try await withServer(configure: { $0.bodyTimeout = .milliseconds(200) }) { _, port in
            let client = try await TestConnection.open(port: port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            #expect(await client.closesEventually())
        }
    }

    @Test("a client that stops reading a large response is dropped after the write timeout")
    func writeStall() async throws {
        let big = [UInt8](repeating: 0x61, count: 32 * 1024 * 1024)
        let handler = HTTPClosureHandler { _ in HTTPResponse(status: .ok, body: big) }
        try await withServer(handler: handler, configure: { $0.writeTimeout = .milliseconds(300) }) { server, port in
            let client = try await TestConnection.open(port: port, receiveBuffer: 4096)
            try await client.send(get("/big"))
            // The client does not read; the kernel buffers fill and the server gives up.
            #expect(await eventually { server.connectionCount == 0 })
            // What the client can still read is only part of the response.
            let received = (try? await client.remainingUntilClosed()) ?? []
            #expect(received.count < big.count)
        }
    }
}

@Suite("Clients that leave during their request", .timeLimit(.minutes(1)))
struct AbandonedRequestTests {
    @Test("a client that closes while its request is handled frees its connection at once; the handler is cancelled")
    func clientLeavesDuringHandler() async throws {
        let started = Gate()
        let cancelled = Gate()
        var router = HTTPRouter()
        router.get("/slow") { _ in
            started.open()
            do { try await Task.sleep(for: .seconds(3600)) } catch { cancelled.open() }
            return .text("late\n")
        }
        try await withServer(handler: router) { server, port in
            let client = try await TestConnection.open(port: port)
            try await client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            await started.wait()
            #expect(server.connectionCount == 1)
            client.disconnect()
            await cancelled.wait()
            #expect(await eventually { server.connectionCount == 0 })
        }
    }
}
