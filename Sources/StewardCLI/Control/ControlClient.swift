import StewardHTTP
#if canImport(Glibc)
import Glibc
#endif

/// The `steward` CLI's side of the control socket: HTTP/1.1 requests over a Unix socket, one
/// connection per command (as `docker` talks to its daemon).
struct ControlClient {
    /// The socket's path.
    let socketPath: String

    /// A response: status, headers (lowercased names) and body.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Why a request could not be made: the message says what to do about it.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends one request and reads the whole response.
    func request(_ method: String, _ target: String, body: [UInt8] = []) throws(Failure) -> Response {
        var response: Response?
        var collected: [UInt8] = []
        try exchange(method, target, body: body) { head in response = head } chunk: { bytes in
            collected += bytes
            return true
        }
        guard var response else { throw Failure(description: "steward closed the control connection without answering") }
        response.body = collected
        return response
    }

    /// Sends one request and hands the body over as it arrives (for `logs -f`, `wait`), until
    /// steward ends it or `chunk` returns `false`. `head` gets the status and headers first.
    func exchange(_ method: String, _ target: String, body: [UInt8] = [], head: (Response) -> Void,
                  chunk: ([UInt8]) -> Bool) throws(Failure) {
        let fd = try connect()
        defer { close(fd) }
        var request = "\(method) \(target) HTTP/1.1\r\nHost: steward\r\nConnection: close\r\n"
        request += "Content-Length: \(body.count)\r\n\r\n"
        try send(Array(request.utf8) + body, on: fd)
        var reader = ResponseReader(fd: fd)
        let response = try reader.readHead()
        head(response)
        try reader.readBody(of: response, chunk)
    }

    private func connect() throws(Failure) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "cannot create a socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure(description: "control socket path too long (\(path.count) bytes): \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: Self.connectProblem(code, path: socketPath))
        }
        // Whoever listens there must be us or root: another user could have taken the path first
        // and would otherwise answer `health` or `status` with whatever it likes.
        guard let server = PeerCredentials.of(fd), server.isOwnerOrRoot(getuid()) else {
            let owner = PeerCredentials.of(fd).map { "uid \($0.uid)" } ?? "an unknown user"
            close(fd)
            throw Failure(description: "refusing the control socket \(socketPath): it is served by \(owner), not by this user or root")
        }
        return fd
    }

    /// `text` percent-encoded for a path segment or a query value: everything but the unreserved
    /// characters of RFC 3986.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// What a failed `connect` means for the operator.
    static func connectProblem(_ code: Int32, path: String) -> String {
        switch code {
        case ENOENT:
            return "no steward is listening at \(path) (no such socket); is steward running? "
                + "Point at its socket with --socket PATH, STEWARD_SOCKET or --config FILE"
        case ECONNREFUSED:
            return "no steward is listening at \(path) (connection refused: the socket is left over from a steward that stopped)"
        case EACCES, EPERM:
            return "permission denied on \(path): the control socket admits its owner and root only"
        default:
            return "cannot connect to \(path): \(String(cString: strerror(code)))"
        }
    }

    private func send(_ bytes: [UInt8], on fd: Int32) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { return }  // steward answered and closed: read its answer
                throw Failure(description: "sending to steward failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
