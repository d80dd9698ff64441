@testable import StewardHTTP
import Testing

/// One bad request and what the server must answer.
struct BadRequestCase: Sendable, CustomTestStringConvertible {
    var name: String
    var raw: String
    var status: Int
    var allow: String? = nil

    var testDescription: String { "\(name) → \(status)" }
}

/// The start of a head no more bytes can make valid, sent without the line feed a parser waits for.
struct UnfinishedHead: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    /// The reason the 400's body gives.
    var reason: String

    var testDescription: String { name }
}

@Suite("Refusing bad requests", .timeLimit(.minutes(1)))
struct MalformedRequestTests {
    static let longTarget = "/" + String(repeating: "a", count: 9000)
    static let manyHeaders = (0..<101).map { "X-H\($0): v\r\n" }.joined()
    static let bigHeader = "X-Big: " + String(repeating: "b", count: 17 * 1024) + "\r\n"

    static let cases: [BadRequestCase] = [
        BadRequestCase(name: "garbage request line", raw: "HELLO\r\n\r\n", status: 400),
        BadRequestCase(name: "two spaces in the request line", raw: "GET  /hello HTTP/1.1\r\nHost: t\r\n\r\n", status: 400),
        BadRequestCase(name: "malformed version", raw: "GET /hello HTTP/1\r\nHost: t\r\n\r\n", status: 400),
        BadRequestCase(name: "space before the colon", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX-Bad : v\r\n\r\n", status: 400),
        BadRequestCase(name: "invalid name character", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX(Bad): v\r\n\r\n", status: 400),
        BadRequestCase(name: "obs-fold", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX-A: one\r\n two\r\n\r\n", status: 400),
        BadRequestCase(name: "control character in a value", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\u{1}b\r\n\r\n", status: 400),
        BadRequestCase(name: "conflicting Content-Length",
                       raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", status: 400),
        BadRequestCase(name: "non-numeric Content-Length", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", status: 400),
        BadRequestCase(name: "missing Host on HTTP/1.1", raw: "GET /hello HTTP/1.1\r\n\r\n", status: 400),
        BadRequestCase(name: "bad percent-encoding", raw: get("/echo/%zz"), status: 400),
        BadRequestCase(name: "chunked request body", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                       status: 501),
        BadRequestCase(name: "unknown expectation", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nExpect: magic\r\n\r\n",
                       status: 417),
        BadRequestCase(name: "method without a route", raw: "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
                       status: 405, allow: "GET, HEAD"),
        BadRequestCase(name: "unknown method", raw: "BREW /hello HTTP/1.1\r\nHost: t\r\n\r\n", status: 405, allow: "GET, HEAD"),
        BadRequestCase(name: "unknown path", raw: get("/nope"), status: 404),
        BadRequestCase(name: "body over the limit", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n", status: 413),
        BadRequestCase(name: "target over the request-line limit", raw: get(longTarget), status: 414),
        BadRequestCase(name: "target over the limit, line not finished", raw: "GET \(longTarget)", status: 414),
        BadRequestCase(name: "method over the request-line limit", raw: String(repeating: "G", count: 9000) + " / HTTP/1.1\r\n\r\n",
                       status: 400),
        BadRequestCase(name: "too many header fields", raw: get("/hello", manyHeaders), status: 431),
        BadRequestCase(name: "header fields too large", raw: get("/hello", bigHeader), status: 431),
        BadRequestCase(name: "HTTP/2.0", raw: "GET /hello HTTP/2.0\r\nHost: t\r\n\r\n", status: 505),
        BadRequestCase(name: "HTTP/3.0", raw: "GET /hello HTTP/3.0\r\n\r\n", status: 505),
    ]

    @Test("answers with the status, then closes the connection", arguments: cases)
    func refused(_ badCase: BadRequestCase) async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            let response = try await client.exchange(badCase.raw)
            #expect(response.status == badCase.status)
            #expect(response.closes)
            if let allow = badCase.allow { #expect(response.header("Allow") == allow) }
            #expect(await client.closesEventually())
        }
    }

    /// The start of a TLS 1.2/1.3 ClientHello, as a TLS client sends it to a port it believes
    /// speaks TLS: a handshake record (0x16), version 3.1, then the hello. No line feed in it,
    /// so a parser waiting for the end of a request line would wait for the header timeout.
    static let clientHello: [UInt8] = {
        let random = [UInt8](repeating: 0x5A, count: 32)
        let ciphers: [UInt8] = [0x00, 0x04, 0x13, 0x01, 0x13, 0x02]
        let body: [UInt8] = [0x03, 0x03] + random + [0x00] + ciphers + [0x01, 0x00] + [0x00, 0x00]
        let handshake: [UInt8] = [0x01, 0x00, 0x00, UInt8(body.count)] + body
        return [0x16, 0x03, 0x01, 0x00, UInt8(handshake.count)] + handshake
    }()

    static let unfinishedHeads: [UnfinishedHead] = [
        UnfinishedHead(name: "a TLS ClientHello on the plain-HTTP port", bytes: clientHello,
                       reason: "a TLS handshake on a plain-HTTP port"),
        UnfinishedHead(name: "a request line ending in a bare CR", bytes: Array("GET /hello HTTP/1.1\rHost: t".utf8),
                       reason: "bare CR in the request head"),
        UnfinishedHead(name: "a bare CR inside a header field", bytes: Array("GET /hello HTTP/1.1\r\nHost: t\rX-A: b".utf8),
                       reason: "bare CR in the request head"),
    ]

    @Test("a head that can never become a request is refused at once, long before the header timeout",
          arguments: unfinishedHeads)
    func refusedWithoutWaiting(_ head: UnfinishedHead) async throws {
        try await withServer(configure: { $0.headerTimeout = .seconds(30) }) { _, port in
            let client = try await TestConnection.open(port: port)
            let started = ContinuousClock.now
            try await client.send(head.bytes)
            // A third of the header timeout: an answer that only comes when the timer fires fails.
            let response = try await client.response(timeout: .seconds(10))
            #expect(response.status == 400)
            #expect(response.bodyText == "400 Bad Request\n\(head.reason)\n")
            #expect(response.closes)
            #expect(await client.closesEventually(timeout: .seconds(10)))  // EOF: the server shut its side
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test("a refused request on a kept-alive connection still gets its answer after good ones")
    func refusedAfterGoodRequests() async throws {
        try await withServer { _, port in
            let client = try await TestConnection.open(port: port)
            #expect(try await client.exchange(get("/hello")).status == 200)
            try await client.send(get("/hello") + "GET /hello HTTP/9.9\r\nHost: t\r\n\r\n" + get("/hello"))
            #expect(try await client.response().status == 200)
            let refused = try await client.response()
            #expect(refused.status == 505)
            // Nothing after the refused request is answered.
            #expect(try await client.remainingUntilClosed().isEmpty)
        }
    }
}
