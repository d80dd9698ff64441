import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client for tests: one request per connection to 127.0.0.1:PORT, with a
/// receive timeout so a test never hangs on a silent server.
public struct LoopbackHTTP: Sendable {
    public let port: Int

    public init(port: Int) { self.port = port }

    /// A response: status and body (the body read to the end of the connection).
    public struct Response: Sendable {
        public var status: Int
        public var head: String
        public var body: String
    }

    /// `GET path`.
    public func get(_ path: String, seconds: Int = 10) async -> Response? { await request("GET", path, seconds: seconds) }

    /// Runs blocking socket work on a thread of its own: on the cooperative pool (two threads
    /// on this machine) a few blocked reads would stall every other task of the test process,
    /// including an in-process server's handlers.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    /// Sends `method path` with `Connection: close` and reads the whole response; `nil` if the
    /// server cannot be reached or does not answer within `seconds`.
    public func request(_ method: String, _ path: String, headers: [String] = [], body: String = "", seconds: Int = 10) async -> Response? {
        await Self.offPool { blockingRequest(method, path, headers: headers, body: body, seconds: seconds) }
    }

    private func blockingRequest(_ method: String, _ path: String, headers: [String], body: String, seconds: Int) -> Response? {
        guard let stream = open(seconds: seconds) else { return nil }
        defer { close(stream) }
        let text = "\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" + headers.map { $0 + "\r\n" }.joined()
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        guard send(stream, text) else { return nil }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(stream, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        return Self.parse(received)
    }

    /// Opens a streaming request (such as `/events`) and reads lines until `condition` holds for
    /// the lines so far or `seconds` pass; returns the lines.
    public func streamLines(_ path: String, headers: [String] = [], seconds: Int = 20,
                            until condition: @escaping @Sendable ([String]) -> Bool) async -> [String] {
        await Self.offPool { blockingStreamLines(path, headers: headers, seconds: seconds, until: condition) }
    }

    private func blockingStreamLines(_ path: String, headers: [String], seconds: Int, until condition: ([String]) -> Bool) -> [String] {
        guard let stream = open(seconds: 1) else { return [] }
        defer { close(stream) }
        guard send(stream, "GET \(path) HTTP/1.1\r\nHost: test\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n") else { return [] }
        let deadline = ChildProgram.monotonicMilliseconds() + Int64(seconds) * 1000
        var raw: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var lines: [String] = []
        while ChildProgram.monotonicMilliseconds() < deadline {
            let count = read(stream, &chunk, chunk.count)
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { break }
            raw += chunk[..<count]
            guard let response = Self.parse(raw) else { continue }
            lines = response.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if condition(lines) { return lines }
        }
        return lines
    }

    private func open(seconds: Int) -> Int32? {
        let stream = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard stream >= 0 else { return nil }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(stream, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(stream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(stream)
            return nil
        }
        return stream
    }

    private func send(_ stream: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(stream, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    static func parse(_ bytes: [UInt8]) -> Response? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = String(text[..<split.lowerBound])
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var body = String(text[split.upperBound...])
        if head.lowercased().contains("transfer-encoding: chunked") { body = dechunk(body) }
        return Response(status: status, head: head, body: body)
    }

    /// The complete chunks of a chunked body (a trailing partial chunk is left out). Works on
    /// bytes: in a `String`, "\r\n" is one `Character`.
    static func dechunk(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var index = 0
        var out: [UInt8] = []
        while let lineEnd = find([13, 10], in: bytes, from: index),
              let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16), size > 0,
              lineEnd + 2 + size <= bytes.count {
            out += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
