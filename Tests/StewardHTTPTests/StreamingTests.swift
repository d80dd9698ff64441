@testable import StewardHTTP
import Synchronization
import Testing

/// What a stream producer observed, shared with the test.
final class StreamProbe: Sendable {
    private struct State {
        var started = false
        var termination: HTTPStreamTermination?
        var sendFailed = false
        var maxBuffered = 0
        var sent = 0
    }

    private let state = Mutex(State())

    var started: Bool { state.withLock { $0.started } }
    var termination: HTTPStreamTermination? { state.withLock { $0.termination } }
    var sendFailed: Bool { state.withLock { $0.sendFailed } }
    var maxBuffered: Int { state.withLock { $0.maxBuffered } }
    var sent: Int { state.withLock { $0.sent } }

    func start() { state.withLock { $0.started = true } }
    func record(buffered: Int) { state.withLock { $0.maxBuffered = max($0.maxBuffered, buffered); $0.sent += 1 } }
    func failed() { state.withLock { $0.sendFailed = true } }
    func ended(_ writer: HTTPStreamWriter) { state.withLock { $0.termination = writer.termination } }
}

@Suite("Streaming and Server-Sent Events", .timeLimit(.minutes(1)))
struct StreamingTests {
    @Test("events arrive in order, multi-line data split, and the connection is reusable after the stream")
    func eventsInOrder() async throws {
        let probe = StreamProbe()
        var router = testRouter()
        router.get("/events") { _ in
            .serverSentEvents { writer in
                probe.start()
                for index in 0..<50 {
                    let event = ServerSentEvent(data: "line \(index)\nsecond \(index)", event: "tick", id: "\(index)")
                    guard writer.send(event) else { return probe.failed() }
                    if index % 10 == 0 { await Task.yield() }
                }
            }
        }
        try await withServer(handler: router) { _, port in
            let client = try await TestConnection.open(port: port)
            try await client.send(get("/events"))
            let head = try await client.head()
            #expect(head.status == 200)
            #expect(head.header("Content-Type") == "text/event-stream")
            #expect(head.header("Cache-Control") == "no-cache")
            #expect(head.header("Transfer-Encoding") == "chunked")
            var text = ""
            while let chunk = try await client.chunk() { text += String(decoding: chunk, as: UTF8.self) }
            let expected = (0..<50).map { "event: tick\nid: \($0)\ndata: line \($0)\ndata: second \($0)\n\n" }.joined()
            #expect(text == expected)
            #expect(!probe.sendFailed)
            #expect(try await client.exchange(get("/hello")).status == 200)
        }
    }

    @Test("a request pipelined during a stream is answered after the stream ends")
    func pipelinedAfterStream() async throws {
        var router = testRouter()
        router.get("/count") { _ in
            .stream { writer in
                for index in 0..<3 {
                    writer.send("\(index);")
                    await Task.yield()
                }
            }
        }
        try await withServer(handler: router) { _, port in
            let client = try await TestConnection.open(port: port)
            try await client.send(get("/count") + get("/hello"))
            let stream = try await client.response()
            #expect(stream.bodyText == "0;1;2;")
            #expect(try await client.response().bodyText == "hello\n")
        }
    }

    @Test("a reader that never reads is disconnected once its buffer bound is exceeded; memory stays bounded")
    func slowReaderOverflow() async throws {
        let probe = StreamProbe()
        let limit = 64 * 1024
        let payload = String(repeating: "x", count: 1000)
        let handler = HTTPClosureHandler { _ in
            .serverSentEvents { writer in
                probe.start()
                // At most ~200 MB: far beyond any kernel buffering, so the bound must trip first.
                for index in 0..<200_000 {
                    guard writer.send(ServerSentEvent(data: payload, id: "\(index)")) else {
                        probe.failed()
                        break
                    }
                    probe.record(buffered: writer.bufferedByteCount)
                    if index % 16 == 0 { await Task.yield() }
                }
                probe.ended(writer)
            }
        }
        try await withServer(handler: handler, configure: { $0.streamBufferLimit = limit }) { server, port in
            let client = try await TestConnection.open(port: port, receiveBuffer: 4096)
            try await client.send(get("/events"))
            // A generous deadline: on a loaded machine the 4 MB or so of kernel buffering fill slowly.
            #expect(await eventually(timeout: .seconds(50)) { probe.termination != nil })
            #expect(probe.sendFailed)
            #expect(probe.termination == .bufferOverflow)
            #expect(probe.maxBuffered <= limit)
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test("a client disconnecting ends the stream and the writer learns it")
    func clientDisconnect() async throws {
        let probe = StreamProbe()
        let handler = HTTPClosureHandler { _ in
            .serverSentEvents { writer in
                probe.start()
                writer.send(ServerSentEvent(data: "hello"))
                await writer.waitUntilClosed()
                if !writer.send(ServerSentEvent(data: "too late")) { probe.failed() }
                probe.ended(writer)
            }
        }
        try await withServer(handler: handler) { server, port in
            let client = try await TestConnection.open(port: port)
            try await client.send(get("/events"))
            _ = try await client.head()
            let first = try #require(try await client.chunk())
            #expect(String(decoding: first, as: UTF8.self) == "data: hello\n\n")
            client.disconnect()
            // A generous deadline: on a loaded machine the 4 MB or so of kernel buffering fill slowly.
            #expect(await eventually(timeout: .seconds(50)) { probe.termination != nil })
            #expect(probe.termination == .clientDisconnected)
            #expect(probe.sendFailed)
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test("stopping the server ends streams: the client gets the last chunk and EOF, the writer learns it")
    func serverStop() async throws {
        let probe = StreamProbe()
        let handler = HTTPClosureHandler { _ in
            .serverSentEvents { writer in
                probe.start()
                writer.send(ServerSentEvent(data: "first"))
                await writer.waitUntilClosed()
                probe.ended(writer)
            }
        }
        var configuration = HTTPServerConfiguration()
        configuration.shutdownGracePeriod = .seconds(20)
        let server = HTTPServer(configuration: configuration, handler: handler)
        try server.start()
        let client = try await TestConnection.open(port: try #require(server.boundPort))
        try await client.send(get("/events"))
        _ = try await client.head()
        #expect(try await client.chunk().map { String(decoding: $0, as: UTF8.self) } == "data: first\n\n")
        await server.shutdown()
        #expect(try await client.chunk() == nil)  // the terminating zero-length chunk
        #expect(try await client.remainingUntilClosed().isEmpty)
        #expect(await eventually { probe.termination != nil })
        #expect(probe.termination == .serverStopped)
        #expect(!server.isServing)
    }

    @Test("HTTP/1.0 streams are delimited by closing the connection")
    func http10Stream() async throws {
        let handler = HTTPClosureHandler { _ in
            .stream(headers: ["Content-Type": "text/plain"]) { writer in
                for word in ["one ", "two ", "three"] { writer.send(word) }
            }
        }
        try await withServer(handler: handler) { _, port in
            let client = try await TestConnection.open(port: port)
            let response = try await client.exchange("GET /stream HTTP/1.0\r\n\r\n")
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(response.closes)
            #expect(response.bodyText == "one two three")
        }
    }

    @Test("HEAD of a streaming response sends the head only and never runs the producer")
    func headOfStream() async throws {
        let probe = StreamProbe()
        let handler = HTTPClosureHandler { _ in .serverSentEvents { _ in probe.start() } }
        try await withServer(handler: handler) { _, port in
            let client = try await TestConnection.open(port: port)
            let head = try await client.exchange("HEAD /events HTTP/1.1\r\nHost: t\r\n\r\n", bodyExpected: false)
            #expect(head.status == 200)
            #expect(head.header("Transfer-Encoding") == "chunked")
            let next = try await client.exchange("HEAD /events HTTP/1.1\r\nHost: t\r\n\r\n", bodyExpected: false)
            #expect(next.status == 200)
            #expect(!probe.started)
        }
    }
}
