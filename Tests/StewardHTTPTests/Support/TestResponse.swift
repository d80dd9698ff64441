/// A response as the test client read it.
struct TestResponse: Sendable {
    var status: Int
    var reason: String
    var version: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the server announced it will close the connection.
    var closes: Bool { header("Connection")?.lowercased() == "close" }
}

extension TestConnection {
    private static let headEnd = Array("\r\n\r\n".utf8)
    private static let lineEnd = Array("\r\n".utf8)

    /// Reads a status line and header fields (no body).
    func readHead(until deadline: ContinuousClock.Instant) throws -> TestResponse {
        let bytes = try readThrough(Self.headEnd, until: deadline)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").map(String.init)
        guard let statusLine = lines.first else { throw TestClientError(description: "empty response head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw TestClientError(description: "bad status line: \(statusLine)")
        }
        let headers = lines.dropFirst().map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            let value = line[colon...].dropFirst().trimmingCharacters(in: " ")
            return (String(line[..<colon]), value)
        }
        return TestResponse(status: status, reason: parts.count > 2 ? String(parts[2]) : "", version: String(parts[0]),
                            headers: headers, body: [])
    }

    /// Reads one whole response. `bodyExpected: false` for the answer to a HEAD request.
    func readResponse(until deadline: ContinuousClock.Instant, bodyExpected: Bool = true) throws -> TestResponse {
        var response = try readHead(until: deadline)
        guard bodyExpected, response.status >= 200, response.status != 204, response.status != 304 else { return response }
        if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            response.body = try readExactly(length, until: deadline)
        } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while let chunk = try readChunk(until: deadline) { response.body += chunk }
        } else {
            response.body = try readUntilClosed(until: deadline)
        }
        return response
    }

    /// Reads one chunk of a chunked body; `nil` for the last (zero-length) chunk.
    func readChunk(until deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        let sizeLine = String(decoding: try readThrough(Self.lineEnd, until: deadline).dropLast(2), as: UTF8.self)
        guard let size = Int(sizeLine, radix: 16) else { throw TestClientError(description: "bad chunk size \(sizeLine)") }
        if size == 0 {
            _ = try readExactly(2, until: deadline)
            return nil
        }
        let data = try readExactly(size, until: deadline)
        guard try readExactly(2, until: deadline) == Self.lineEnd else { throw TestClientError(description: "bad chunk end") }
        return data
    }
}

extension StringProtocol {
    func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}

/// Async conveniences: every blocking step runs off the cooperative pool.
extension TestConnection {
    static func open(port: Int, host: String = "127.0.0.1", receiveBuffer: Int32? = nil) async throws -> TestConnection {
        try await offPool { try TestConnection(port: port, host: host, receiveBuffer: receiveBuffer) }
    }

    func send(_ text: String) async throws {
        try await offPool { [self] in try sendAll(text) }
    }

    func send(_ bytes: [UInt8]) async throws {
        try await offPool { [self] in try sendAll(bytes) }
    }

    func response(timeout: Duration = .seconds(15), bodyExpected: Bool = true) async throws -> TestResponse {
        try await offPool { [self] in try readResponse(until: .now + timeout, bodyExpected: bodyExpected) }
    }

    func head(timeout: Duration = .seconds(15)) async throws -> TestResponse {
        try await offPool { [self] in try readHead(until: .now + timeout) }
    }

    func chunk(timeout: Duration = .seconds(15)) async throws -> [UInt8]? {
        try await offPool { [self] in try readChunk(until: .now + timeout) }
    }

    /// Sends `raw` and reads the response.
    func exchange(_ raw: String, bodyExpected: Bool = true) async throws -> TestResponse {
        try await send(raw)
        return try await response(bodyExpected: bodyExpected)
    }

    /// Whether the server closes the connection within a generous deadline.
    func closesEventually(timeout: Duration = .seconds(15)) async -> Bool {
        (try? await offPool { [self] in waitForClose(until: .now + timeout) }) ?? false
    }

    /// The bytes received until the server closes (throws if it does not close in time).
    func remainingUntilClosed(timeout: Duration = .seconds(15)) async throws -> [UInt8] {
        try await offPool { [self] in try readUntilClosed(until: .now + timeout) }
    }
}

/// `GET path` with the Host header HTTP/1.1 requires.
func get(_ path: String, _ extra: String = "") -> String {
    "GET \(path) HTTP/1.1\r\nHost: test\r\n\(extra)\r\n"
}
