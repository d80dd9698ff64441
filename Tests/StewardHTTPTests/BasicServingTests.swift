@testable import StewardHTTP
import Testing

@Suite("Serving requests", .timeLimit(.minutes(1)))
struct BasicServingTests {
    @Test("GET answers with status, Content-Length, Date and body")
    func getRequest() async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            let response = try await client.exchange(get("/hello"))
            #expect(response.status == 200)
            #expect(response.reason == "OK")
            #expect(response.version == "HTTP/1.1")
            #expect(response.header("content-length") == "6")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            #expect(response.header("Connection") == nil)
            #expect(response.bodyText == "hello\n")
        }
    }

    @Test("HEAD sends the head of the GET response without its body")
    func headRequest() async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            let head = try await client.exchange("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n", bodyExpected: false)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "6")
            // Had a body been sent, it would be read here instead of the next status line.
            let next = try await client.exchange(get("/hello"))
            #expect(next.status == 200)
            #expect(next.bodyText == "hello\n")
        }
    }

    @Test("HTTP/1.1 keeps the connection open; Connection: close closes it after the response")
    func keepAliveAndClose() async throws {
        try await withServer { server, port in
            let client = try await TestConnection.open(port: port)
            for _ in 0..<3 {
                let response = try await client.exchange(get("/hello"))
                #expect(response.status == 200)
                #expect(!response.closes)
            }
            #expect(server.connectionCount == 1)
            let last = try await client.exchange(get("/hello", "Connection: close\r\n"))
            #expect(last.status == 200)
            #expect(last.closes)
            #expect(await client.closesEventually())
        }
    }

    @Test("HTTP/1.0 closes after the response unless the client asks for keep-alive")
    func http10() async throws {
        try await withServer { _, port in
            let plain = try await TestConnection.open(port: port)
            let response = try await plain.exchange("GET /hello HTTP/1.0\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.closes)
            #expect(await plain.closesEventually())

            let keepAlive = try await TestConnection.open(port: port)
            let first = try await keepAlive.exchange("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(first.header("Connection") == "keep-alive")
            let second = try await keepAlive.exchange("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(second.status == 200)
        }
    }

    @Test("pipelined requests are answered in order, even when the first handler is the slowest")
    func pipelining() async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            try await client.send(get("/sleep?ms=50") + get("/echo/two") + "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                                  + get("/echo/four"))
            #expect(try await client.response().bodyText == "slept 50\n")
            #expect(try await client.response().bodyText == "two")
            let head = try await client.response(bodyExpected: false)
            #expect(head.header("Content-Length") == "6")
            #expect(try await client.response().bodyText == "four")
        }
    }

    @Test("query items, valueless items and percent-decoded paths reach the handler")
    func queryParsing() async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            let response = try await client.exchange(get("/query?verbose&n=2&name=a%20b+c&empty="))
            #expect(response.bodyText == "path=/query verbose=true items=verbose=<nil>&n=2&name=a b c&empty=")
            let plain = try await client.exchange(get("/query"))
            #expect(plain.bodyText == "path=/query verbose=false items=")
            let encoded = try await client.exchange(get("/echo/my%20process%2Fx"))
            #expect(encoded.bodyText == "my process/x")
        }
    }

    @Test("a request body is delivered; Expect: 100-continue gets the interim response first")
    func requestBody() async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            let posted = try await client.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n{\"a\": true}")
            #expect(posted.status == 201)
            #expect(posted.header("Content-Type") == "application/json")
            #expect(posted.bodyText == "{\"a\": true}")

            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try await client.response()
            #expect(interim.status == 100)
            try await client.send("ping")
            let final = try await client.response()
            #expect(final.status == 201)
            #expect(final.bodyText == "ping")
        }
    }

    @Test("bare LF line endings and absolute-form targets are accepted")
    func lenientSyntax() async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            let response = try await client.exchange("GET /hello HTTP/1.1\nHost: t\n\n")
            #expect(response.status == 200)
            let absolute = try await client.exchange("GET http://example.com/echo/abs?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
            #expect(absolute.bodyText == "abs")
        }
    }

    @Test("the handler sees the client's address; handler headers cannot split the response")
    func remoteAddressAndSanitising() async throws {
        var router = testRouter()
        router.get("/evil") { _ in HTTPResponse(status: .ok, headers: ["X-Evil": "a\r\nInjected: yes", "Bad Name": "x",
                                                                         "Content-Length": "999"], body: Array("ok".utf8)) }
        try await withServer(handler: router) { _, port in
            let client = try await TestConnection.open(port: port)
            let remote = try await client.exchange(get("/remote"))
            #expect(remote.bodyText.hasPrefix("127.0.0.1:"))
            let evil = try await client.exchange(get("/evil"))
            #expect(evil.header("X-Evil") == "a  Injected: yes")
            #expect(evil.header("Injected") == nil)
            #expect(evil.header("Bad Name") == nil)
            #expect(evil.header("Content-Length") == "2")
            #expect(evil.bodyText == "ok")
        }
    }

    @Test("an IPv6 literal can be bound", .enabled(if: ipv6LoopbackAvailable()))
    func ipv6() async throws {
        try await withServer(configure: { $0.host = "::1" }) { server, port in
            #expect(server.boundAddress == "[::1]:\(port)")
            let client = try await TestConnection.open(port: port, host: "::1")
            let response = try await client.exchange(get("/remote"))
            #expect(response.bodyText.hasPrefix("[::1]:"))
        }
    }

    @Test("an idle server's loop sleeps without a timeout once its connections are gone")
    func idleLoopHasNoTimer() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(100) }) { server, port in
            let client = try await TestConnection.open(port: port)
            _ = try await client.exchange(get("/hello"))
            #expect(await client.closesEventually())  // the idle timeout closed it
            #expect(await eventually { server.connectionCount == 0 && server.eventLoopWaitTimeout == -1 })
        }
    }
}

/// Whether ::1 can be bound here (containers without IPv6 skip that test).
func ipv6LoopbackAvailable() -> Bool {
    guard let socket = try? ListeningSocket.open(host: "::1", port: 0, backlog: 1) else { return false }
    socket.close()
    return true
}
