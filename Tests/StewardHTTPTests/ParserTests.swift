@testable import StewardHTTP
import StewardCore
import Testing

@Suite("Request parsing internals", .timeLimit(.minutes(1)))
struct ParserTests {
    private let limits = RequestLimits(HTTPServerConfiguration())

    private func parse(_ text: String) -> RequestHeadParser.Outcome {
        var parser = RequestHeadParser(limits: limits)
        return parser.parse(Array(text.utf8))
    }

    @Test("byte-at-a-time input parses to the same head as all at once")
    func incremental() throws {
        let text = "\r\nPOST /p?q=1 HTTP/1.1\r\nHost: h\r\nX-Multi: a, b\nContent-Length: 3\r\n\r\nabc"
        guard case .complete(let whole, let consumed) = parse(text) else { Issue.record("not complete"); return }
        #expect(consumed == text.utf8.count - 3)
        var parser = RequestHeadParser(limits: limits)
        var buffer: [UInt8] = []
        var outcome = RequestHeadParser.Outcome.needMore
        for byte in text.utf8 {
            buffer.append(byte)
            outcome = parser.parse(buffer)
            if outcome != .needMore { break }
        }
        #expect(outcome == .complete(whole, consumed: consumed))
        #expect(whole.method == .post)
        #expect(whole.target == "/p?q=1")
        #expect(whole.version == .http1_1)
        #expect(whole.headers["x-multi"] == "a, b")
    }

    @Test("limits trip before the line ends, with the right status")
    func partialLimits() {
        var small = HTTPServerConfiguration()
        small.maxRequestLineLength = 20
        small.maxHeaderBytes = 30
        small.maxHeaderCount = 2
        var parser = RequestHeadParser(limits: RequestLimits(small))
        #expect(parser.parse(Array("GET /aaaaaaaaaaaaaaaaaaaaaaa".utf8)) == .failure(HTTPParseError(status: .uriTooLong, message: "request target too long")))
        parser.reset()
        guard case .failure(let headers) = parser.parse(Array("GET / HTTP/1.1\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8)) else {
            Issue.record("no failure"); return
        }
        #expect(headers.status == .requestHeaderFieldsTooLarge)
        parser.reset()
        guard case .failure(let count) = parser.parse(Array("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n".utf8)) else {
            Issue.record("no failure"); return
        }
        #expect(count.status == .requestHeaderFieldsTooLarge)
    }

    @Test("HTTP/1.x minor versions above 1 are treated as 1.1; bare CR is refused")
    func versionsAndBareCR() {
        guard case .complete(let head, _) = parse("GET / HTTP/1.7\r\nHost: h\r\n\r\n") else { Issue.record("not complete"); return }
        #expect(head.version == .http1_1)
        guard case .failure(let error) = parse("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n") else { Issue.record("accepted"); return }
        #expect(error.status == .badRequest)
    }

    @Test("a line that cannot become valid fails before its line feed; a CR at the end still waits for one")
    func unfinishedLines() {
        for text in ["GET / HTTP/1.1\rH", "GET / HTTP/1.1\r\nHost: h\rX", "\u{16}\u{3}\u{1}", "GET /\u{0}",
                     "GET / HTTP/1.1\r\nX: \u{1}"] {
            guard case .failure(let error) = parse(text) else { Issue.record("not refused: \(text.debugDescription)"); continue }
            #expect(error.status == .badRequest)
        }
        #expect(parse("\u{16}\u{3}\u{1}") == .failure(.badRequest("a TLS handshake on a plain-HTTP port")))
        #expect(parse("GET /caf\u{e9}") == .failure(.badRequest("malformed request line")))
        for text in ["GET / HTTP/1.1\r", "GET / HTTP/1.1\r\nHost: h\r", "\r", "GET / HTTP/1.1\r\nX: caf\u{e9}"] {
            #expect(parse(text) == .needMore, "\(text.debugDescription)")
        }
        // Checked bytes are not checked again: a byte at a time stays linear and gives the same outcome.
        var parser = RequestHeadParser(limits: limits)
        var buffer: [UInt8] = []
        for byte in "GET / HTTP/1.1\r\nHost: h\r".utf8 {
            buffer.append(byte)
            #expect(parser.parse(buffer) == .needMore)
        }
        buffer.append(0x41)
        #expect(parser.parse(buffer) == .failure(.badRequest("bare CR in the request head")))
    }

    private func framing(_ text: String) throws(HTTPParseError) -> RequestFraming {
        guard case .complete(let head, _) = parse(text) else { throw .badRequest("unparsed") }
        return try RequestFraming(head, limits: limits)
    }

    @Test("framing: repeated equal Content-Length, keep-alive rules, 100-continue")
    func framingRules() throws {
        #expect(try framing("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n").contentLength == 5)
        #expect(try framing("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keepAlive)
        #expect(try !framing("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n").keepAlive)
        #expect(try !framing("GET / HTTP/1.0\r\n\r\n").keepAlive)
        #expect(try framing("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive)
        #expect(try framing("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nExpect: 100-Continue\r\n\r\n").expectsContinue)
        #expect(throws: HTTPParseError.self) {
            try framing("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
        }
        #expect(throws: HTTPParseError(status: .contentTooLarge, message: "request body larger than 1048576 bytes")) {
            try framing("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n")
        }
        #expect(throws: HTTPParseError.badRequest("more than one Host header")) {
            try framing("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        }
    }

    @Test("the deadline heap yields deadlines in order through updates and removals")
    func deadlineHeap() {
        var heap = DeadlineHeap<UInt64>()
        var reference: [UInt64: UInt64] = [:]
        var generator = SystemRandomNumberGenerator()
        for step in 0..<2000 {
            let id = UInt64.random(in: 1...200, using: &generator)
            if step % 5 == 0 {
                heap.remove(id)
                reference[id] = nil
            } else {
                let deadline = UInt64.random(in: 0...10_000, using: &generator)
                heap.set(id, deadline)
                reference[id] = deadline
            }
            #expect(heap.earliest?.deadline == reference.values.min())
        }
        #expect(heap.count == reference.count)
        let expired = heap.popExpired(now: 5_000)
        #expect(Set(expired) == Set(reference.filter { $0.value <= 5_000 }.keys))
        #expect(expired.map { reference[$0]! } == expired.map { reference[$0]! }.sorted())
        #expect(heap.count == reference.filter { $0.value > 5_000 }.count)
        for id in reference.keys { heap.remove(id) }
        #expect(heap.earliest == nil)
    }
}
