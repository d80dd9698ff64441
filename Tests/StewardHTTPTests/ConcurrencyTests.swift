#if canImport(Glibc)
import Glibc
#endif
@testable import StewardHTTP
import Testing

@Suite("Many connections", .timeLimit(.minutes(1)))
struct ConcurrencyTests {
    @Test("1,000 concurrent connections all get their own correct response")
    func thousandConnections() async throws {
        raiseFileLimit()
        let count = 1000
        // A backlog above the number of clients: connects never wait on SYN retransmissions
        // while the loop thread is descheduled.
        try await withServer(configure: { $0.backlog = Int32(count + 100) }) { server, port in
            let results = try await offPool { try Self.exchangeConcurrently(port: port, count: count) }
            #expect(results.count == count)
            let wrong = results.enumerated().filter { $0.element != "200 client-\($0.offset)" }
            #expect(wrong.isEmpty, "\(wrong.prefix(3))")
            #expect(server.connectionCount <= count)
        }
    }

    @Test("beyond maxConnections new clients are turned away while existing ones keep working")
    func connectionLimit() async throws {
        try await withServer(configure: { $0.maxConnections = 2 }) { server, port in
            let first = try await TestConnection.open(port: port)
            let second = try await TestConnection.open(port: port)
            #expect(await eventually { server.connectionCount == 2 })
            let third = try await TestConnection.open(port: port)
            let refused = try await third.remainingUntilClosed()
            #expect(String(decoding: refused, as: UTF8.self).hasPrefix("HTTP/1.1 503"))
            #expect(try await first.exchange(get("/hello")).status == 200)
            #expect(try await second.exchange(get("/hello")).status == 200)
        }
    }

    /// Opens `count` connections, sends a request on each, then collects every response with one
    /// poll(2) loop. Returns "status body" per connection, in connection order.
    static func exchangeConcurrently(port: Int, count: Int) throws -> [String] {
        var clients: [TestConnection] = []
        for _ in 0..<count { clients.append(try TestConnection(port: port)) }
        for (index, client) in clients.enumerated() { try client.sendAll(get("/echo/client-\(index)")) }
        var received = [[UInt8]](repeating: [], count: count)
        var results = [String?](repeating: nil, count: count)
        var remaining = count
        let deadline = ContinuousClock.now + .seconds(40)
        var pollers = clients.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while remaining > 0 && ContinuousClock.now < deadline {
            let ready = poll(&pollers, nfds_t(pollers.count), 100)
            guard ready > 0 else { continue }
            for index in pollers.indices where pollers[index].revents != 0 && results[index] == nil {
                let got = buffer.withUnsafeMutableBytes { recv(pollers[index].fd, $0.baseAddress, $0.count, 0) }
                if got <= 0 {
                    results[index] = "closed"
                } else {
                    received[index] += buffer[0..<got]
                    results[index] = Self.complete(received[index])
                }
                if results[index] != nil {
                    remaining -= 1
                    pollers[index].fd = -1  // poll ignores negative descriptors
                }
            }
        }
        return results.map { $0 ?? "timed out" }
    }

    /// "status body" once `bytes` hold a whole Content-Length response, else nil.
    private static func complete(_ bytes: [UInt8]) -> String? {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first,
              let lengthLine = lines.first(where: { $0.lowercased().hasPrefix("content-length:") }),
              let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: " ")) else { return nil }
        let body = bytes[end.upperBound...]
        guard body.count >= length else { return nil }
        return "\(status) \(String(decoding: body.prefix(length), as: UTF8.self))"
    }
}
