/// What a request head implies for the connection: the body length, whether the connection stays
/// open afterwards, and whether the client waits for `100 Continue`.
struct RequestFraming: Equatable {
    /// The body length (`Content-Length`, 0 without it).
    var contentLength: Int
    /// Whether the client wants the connection kept open after the response.
    var keepAlive: Bool
    /// Whether the client sent `Expect: 100-continue`.
    var expectsContinue: Bool

    /// Checks the head's semantics (RFC 9112 §3.2, §6, §9.3; RFC 9110 §10.1.1).
    ///
    /// - HTTP/1.1 needs exactly one `Host` (400).
    /// - `Transfer-Encoding` is refused: 400 with `Content-Length` too or on HTTP/1.0, else 501
    ///   (chunked request bodies are not supported; clients must send `Content-Length`).
    /// - `Content-Length` must be digits; repeated values must agree (400); above the limit is 413.
    /// - `Expect` other than `100-continue` is 417.
    init(_ head: RequestHead, limits: RequestLimits) throws(HTTPParseError) {
        let headers = head.headers
        let hosts = headers.values(for: "Host")
        if (head.version >= .http1_1 && hosts.count != 1) || hosts.count > 1 {
            throw .badRequest(hosts.isEmpty ? "missing Host header" : "more than one Host header")
        }
        let lengths = headers.values(for: "Content-Length")
        if headers.contains("Transfer-Encoding") {
            if !lengths.isEmpty || head.version < .http1_1 {
                throw .badRequest("Transfer-Encoding is not allowed here")
            }
            throw HTTPParseError(status: .notImplemented, message: "chunked request bodies are not supported; send Content-Length")
        }
        var length: Int?
        for value in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = value.trimmingSpaces()
            guard !digits.isEmpty, digits.utf8.allSatisfy(ASCII.isDigit) else { throw .badRequest("invalid Content-Length") }
            // Anything longer than 18 digits is beyond every sane limit (and Int).
            let parsed = digits.utf8.count > 18 ? Int.max : Int(digits)!
            if let length, length != parsed { throw .badRequest("conflicting Content-Length values") }
            length = parsed
        }
        contentLength = length ?? 0
        if contentLength > limits.maxBodySize {
            throw HTTPParseError(status: .contentTooLarge, message: "request body larger than \(limits.maxBodySize) bytes")
        }
        expectsContinue = false
        if let expectation = headers["Expect"] {
            guard HTTPHeaders.namesEqual(expectation.trimmingSpaces(), "100-continue") else {
                throw HTTPParseError(status: .expectationFailed, message: "unsupported expectation")
            }
            expectsContinue = head.version >= .http1_1
        }
        if head.version >= .http1_1 {
            keepAlive = !headers.containsToken("close", in: "Connection")
        } else {
            keepAlive = headers.containsToken("keep-alive", in: "Connection")
        }
    }
}
