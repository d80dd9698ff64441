/// The request line and header fields of a request, syntactically valid.
struct RequestHead: Equatable {
    var method: HTTPMethod
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
}

/// An incremental parser of a request head (RFC 9112 §2–5) over a growing byte buffer.
///
/// Feed it the connection's input buffer after every read: it resumes where it stopped, so a client
/// sending one byte at a time costs linear work. It enforces the request-line and header limits as
/// bytes arrive, before a line is complete. Accepts CRLF or bare LF line endings and ignores up to
/// four empty lines before the request line; rejects obs-fold, whitespace before the colon, invalid
/// name or value characters and bare CR.
///
/// A byte that no valid head can contain (a bare CR, a control character, non-ASCII in the request
/// line, a TLS handshake's first byte) is refused as soon as it arrives, not when its line ends: a
/// TLS client on the plain-HTTP port, or one that ends lines with CR alone, may never send a line
/// feed, and would otherwise hold its connection until the header timeout without an answer.
struct RequestHeadParser {
    /// The result of one ``parse(_:)`` call.
    enum Outcome: Equatable {
        /// The head is incomplete; call again with more bytes.
        case needMore
        /// The head is complete and takes the first `consumed` bytes of the buffer.
        case complete(RequestHead, consumed: Int)
        /// The request is invalid; answer with the error and close.
        case failure(HTTPParseError)
    }

    private enum Phase { case requestLine, headers }

    private let limits: RequestLimits
    private var phase = Phase.requestLine
    private var lineStart = 0
    private var scanIndex = 0
    /// The bytes of the unfinished line before this index passed ``checkPartialLine(_:)``'s byte
    /// check, so a head arriving a byte at a time is still checked in linear time.
    private var checkedIndex = 0
    private var emptyLines = 0
    private var headerBytes = 0
    private var requestLine: (method: HTTPMethod, target: String, version: HTTPVersion)?
    private var fields: [HTTPHeaders.Field] = []

    init(limits: RequestLimits) { self.limits = limits }

    /// Whether any byte of a request has been consumed by the parser.
    var hasStarted: Bool { scanIndex > 0 }

    /// Forgets the previous request (the caller removed its bytes from the buffer).
    mutating func reset() { self = RequestHeadParser(limits: limits) }

    /// Parses as far as `buffer` allows. `buffer` must start with the request and only grow between
    /// calls until the outcome is not `.needMore`.
    mutating func parse(_ buffer: [UInt8]) -> Outcome {
        while true {
            guard let lineFeed = buffer[scanIndex...].firstIndex(of: ASCII.lf) else {
                scanIndex = buffer.count
                return checkPartialLine(buffer)
            }
            var lineEnd = lineFeed
            if lineEnd > lineStart && buffer[lineEnd - 1] == ASCII.cr { lineEnd -= 1 }
            let line = buffer[lineStart..<lineEnd]
            let lineLength = lineFeed + 1 - lineStart
            lineStart = lineFeed + 1
            scanIndex = lineStart
            switch phase {
            case .requestLine:
                if line.isEmpty {
                    emptyLines += 1
                    if emptyLines > 4 { return .failure(.badRequest("too many empty lines before the request line")) }
                    continue
                }
                if line.count > limits.maxRequestLineLength { return .failure(Self.requestLineTooLong(line)) }
                switch Self.parseRequestLine(line) {
                case .success(let parsed): requestLine = parsed
                case .failure(let error): return .failure(error)
                }
                phase = .headers
            case .headers:
                if line.isEmpty {
                    guard let requestLine else { return .failure(.badRequest("missing request line")) }
                    let head = RequestHead(method: requestLine.method, target: requestLine.target,
                                           version: requestLine.version, headers: HTTPHeaders(fields))
                    return .complete(head, consumed: lineStart)
                }
                headerBytes += lineLength
                if headerBytes > limits.maxHeaderBytes {
                    return .failure(HTTPParseError(status: .requestHeaderFieldsTooLarge, message: "header fields too large"))
                }
                if fields.count >= limits.maxHeaderCount {
                    return .failure(HTTPParseError(status: .requestHeaderFieldsTooLarge, message: "too many header fields"))
                }
                switch Self.parseField(line) {
                case .success(let field): fields.append(field)
                case .failure(let error): return .failure(error)
                }
            }
        }
    }

    /// Applies the limits to a line still missing its line feed, then refuses it at once when a
    /// byte in it can never be part of a valid line (see ``checkPartialBytes(_:)``).
    private mutating func checkPartialLine(_ buffer: [UInt8]) -> Outcome {
        let partial = buffer.count - lineStart
        switch phase {
        case .requestLine:
            if partial > limits.maxRequestLineLength + 1 {  // +1: a CR may still precede the LF
                return .failure(Self.requestLineTooLong(buffer[lineStart...]))
            }
        case .headers:
            if headerBytes + partial > limits.maxHeaderBytes {
                return .failure(HTTPParseError(status: .requestHeaderFieldsTooLarge, message: "header fields too large"))
            }
        }
        if let error = checkPartialBytes(buffer) { return .failure(error) }
        return .needMore
    }

    /// Checks the bytes of the unfinished line not checked yet. The line has no LF (the caller
    /// searched it), so a CR is only acceptable as its last byte, where the LF may still follow.
    /// The request line holds only visible ASCII and spaces (method, target, version); a header
    /// line no control character but tab. Complete lines get their full check in ``parse(_:)``.
    private mutating func checkPartialBytes(_ buffer: [UInt8]) -> HTTPParseError? {
        var index = max(checkedIndex, lineStart)
        defer { checkedIndex = index }
        while index < buffer.count {
            let byte = buffer[index]
            if byte == ASCII.cr {
                guard index + 1 < buffer.count else { return nil }  // its LF may be in the next read
                return .badRequest("bare CR in the request head")
            }
            switch phase {
            case .requestLine:
                if byte == ASCII.tlsHandshake && index == lineStart { return .badRequest("a TLS handshake on a plain-HTTP port") }
                if byte < ASCII.space || byte >= 0x7F { return .badRequest("malformed request line") }
            case .headers:
                if !ASCII.isFieldValueCharacter(byte) { return .badRequest("control character in a header field") }
            }
            index += 1
        }
        return nil
    }

    /// 414 when a method and the start of a target are there (the target is what is long), else 400.
    private static func requestLineTooLong(_ line: ArraySlice<UInt8>) -> HTTPParseError {
        guard let space = line.prefix(32).firstIndex(of: ASCII.space), space > line.startIndex,
              line[line.startIndex..<space].allSatisfy(ASCII.isTokenCharacter) else {
            return .badRequest("malformed request line")
        }
        return HTTPParseError(status: .uriTooLong, message: "request target too long")
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>)
        -> Result<(method: HTTPMethod, target: String, version: HTTPVersion), HTTPParseError> {
        let parts = line.split(separator: ASCII.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(.badRequest("malformed request line")) }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(ASCII.isTokenCharacter) else {
            return .failure(.badRequest("malformed method"))
        }
        guard !target.isEmpty, target.allSatisfy(ASCII.isTargetCharacter) else {
            return .failure(.badRequest("malformed request target"))
        }
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, version.starts(with: prefix),
              ASCII.isDigit(version[version.startIndex + 5]), version[version.startIndex + 6] == 0x2E,
              ASCII.isDigit(version[version.startIndex + 7]) else {
            return .failure(.badRequest("malformed protocol version"))
        }
        let major = Int(version[version.startIndex + 5] - 0x30)
        let minor = Int(version[version.startIndex + 7] - 0x30)
        guard major == 1 else {
            return .failure(HTTPParseError(status: .httpVersionNotSupported, message: "only HTTP/1.0 and HTTP/1.1 are supported"))
        }
        return .success((HTTPMethod(String(decoding: method, as: UTF8.self)), String(decoding: target, as: UTF8.self),
                         minor == 0 ? .http1_0 : .http1_1))
    }

    private static func parseField(_ line: ArraySlice<UInt8>) -> Result<HTTPHeaders.Field, HTTPParseError> {
        guard let first = line.first, first != ASCII.space, first != ASCII.tab else {
            return .failure(.badRequest("obsolete line folding is not accepted"))
        }
        guard let colon = line.firstIndex(of: ASCII.colon) else { return .failure(.badRequest("header field without a colon")) }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(ASCII.isTokenCharacter) else {
            return .failure(.badRequest("invalid header field name"))
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == ASCII.space || byte == ASCII.tab { value = value.dropFirst() }
        while let byte = value.last, byte == ASCII.space || byte == ASCII.tab { value = value.dropLast() }
        guard value.allSatisfy(ASCII.isFieldValueCharacter) else {
            return .failure(.badRequest("invalid character in header field value"))
        }
        return .success(HTTPHeaders.Field(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
    }
}
