#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A raw TCP client for the tests: blocking writes, reads with poll(2) deadlines, and a buffer of
/// received bytes not consumed yet (so pipelined responses can be read one by one).
/// Every method blocks; call them through ``offPool(_:)`` (the async wrappers do).
final class TestConnection: Sendable {
    let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])

    /// Connects to `host:port` (IPv4 or IPv6 literal). `receiveBuffer` shrinks SO_RCVBUF first.
    init(port: Int, host: String = "127.0.0.1", receiveBuffer: Int32? = nil) throws {
        let isIPv6 = host.contains(":")
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestClientError(description: "socket: errno \(errno)") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestClientError(description: "connect to \(host):\(port): errno \(code)")
        }
        descriptor = fd
    }

    deinit { Glibc.close(descriptor) }

    /// Sends every byte (blocking). Throws if the server closed or reset the connection.
    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw TestClientError(description: "send: errno \(errno)")
            }
            offset += sent
        }
    }

    func sendAll(_ text: String) throws { try sendAll(Array(text.utf8)) }

    /// Disconnects both directions (the server reads EOF); the descriptor closes on deinit.
    func disconnect() { shutdown(descriptor, Int32(SHUT_RDWR)) }

    /// Receives more bytes into the pending buffer, waiting until `deadline`.
    /// Returns false on EOF or reset; throws on timeout.
    private func receiveMore(until deadline: ContinuousClock.Instant) throws -> Bool {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw TestClientError(description: "timed out waiting for data") }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(max(1, min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)))
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false  // ECONNRESET and friends: the server dropped us
            }
            if count == 0 { return false }
            pending.withLock { $0.append(contentsOf: chunk[0..<count]) }
            return true
        }
    }

    /// Takes `count` bytes, receiving as needed.
    func readExactly(_ count: Int, until deadline: ContinuousClock.Instant) throws -> [UInt8] {
        while pending.withLock({ $0.count }) < count {
            guard try receiveMore(until: deadline) else { throw TestClientError(description: "connection closed early") }
        }
        return pending.withLock { buffer in
            defer { buffer.removeFirst(count) }
            return Array(buffer.prefix(count))
        }
    }

    /// Takes bytes up to and including the first occurrence of `delimiter`.
    func readThrough(_ delimiter: [UInt8], until deadline: ContinuousClock.Instant) throws -> [UInt8] {
        while true {
            let found = pending.withLock { buffer -> [UInt8]? in
                guard let range = buffer.firstRange(of: delimiter) else { return nil }
                defer { buffer.removeFirst(range.upperBound) }
                return Array(buffer[..<range.upperBound])
            }
            if let found { return found }
            guard try receiveMore(until: deadline) else { throw TestClientError(description: "connection closed early") }
        }
    }

    /// Reads until the server closes; returns the bytes received. Throws if still open at `deadline`.
    func readUntilClosed(until deadline: ContinuousClock.Instant) throws -> [UInt8] {
        while try receiveMore(until: deadline) {}
        return pending.withLock { buffer in
            defer { buffer = [] }
            return buffer
        }
    }

    /// Whether the server closed the connection by `deadline` (read bytes are discarded).
    func waitForClose(until deadline: ContinuousClock.Instant) -> Bool {
        (try? readUntilClosed(until: deadline)) != nil
    }
}
