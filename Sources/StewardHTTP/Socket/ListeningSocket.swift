#if canImport(Glibc)
import Glibc
#endif

/// A bound, listening, non-blocking socket: TCP, or a Unix stream socket.
struct ListeningSocket: Sendable {
    /// The descriptor (close-on-exec, non-blocking).
    let descriptor: Int32
    /// The address actually bound (the real port when 0 was asked for).
    let port: Int
    /// `host:port` as bound, e.g. `127.0.0.1:40213`, or a Unix socket's path.
    let address: String
    /// The path of a Unix socket; `nil` for TCP.
    var unixPath: String? = nil
    /// The Unix socket file's inode, so only our own file is unlinked.
    var inode: UInt64 = 0

    /// Opens what `configuration` asks for: its Unix socket path, or its host and port.
    static func open(_ configuration: HTTPServerConfiguration) throws(HTTPServerError) -> ListeningSocket {
        if let path = configuration.unixSocketPath { return try openUnix(path: path, backlog: configuration.backlog) }
        return try open(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
    }

    /// Creates the socket, sets `SO_REUSEADDR`, binds and listens.
    /// - Throws: ``HTTPServerError`` naming the address.
    static func open(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> ListeningSocket {
        let display = SocketAddress.display(host: host, port: port)
        guard let address = SocketAddress(host: host, port: port) else {
            throw HTTPServerError(code: .invalidAddress, address: display, operation: "parsing the address (an IP literal is required)")
        }
        let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket", display) }
        var on: Int32 = 1
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw failure("setsockopt(SO_REUSEADDR)", display, closing: descriptor)
        }
        guard address.withSocketAddress({ Glibc.bind(descriptor, $0, $1) }) == 0 else {
            throw failure("bind", display, closing: descriptor)
        }
        guard listen(descriptor, backlog) == 0 else { throw failure("listen", display, closing: descriptor) }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0, let bound = SocketAddress(storage) else { throw failure("getsockname", display, closing: descriptor) }
        return ListeningSocket(descriptor: descriptor, port: bound.port, address: bound.description)
    }

    /// Closes the descriptor (and removes a Unix socket's path).
    func close() {
        unlinkIfOwned()
        _ = Glibc.close(descriptor)
    }

    private static func failure(_ operation: String, _ address: String, closing descriptor: Int32? = nil) -> HTTPServerError {
        let code = errno
        if let descriptor { _ = Glibc.close(descriptor) }
        return HTTPServerError(code: .from(errno: code), address: address, operation: operation, errno: code)
    }
}
