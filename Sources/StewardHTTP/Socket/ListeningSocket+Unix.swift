#if canImport(Glibc)
import Glibc
#endif

extension ListeningSocket {
    /// Binds a Unix stream socket at `path` with mode 0600 (it appears there only once it has
    /// that mode). A socket file left by a process that is gone (nobody accepts on it)
    /// is replaced; a live one is not — it belongs to another server.
    /// - Throws: ``HTTPServerError`` naming the path.
    static func openUnix(path: String, backlog: Int32) throws(HTTPServerError) -> ListeningSocket {
        guard var address = UnixSocketAddress(path) else {
            throw HTTPServerError(code: .invalidAddress, address: path, operation: "a Unix socket path must be 1–107 bytes")
        }
        if address.acceptsConnections() {
            throw HTTPServerError(code: .addressInUse, address: path, operation: "another process is listening on it", errno: EADDRINUSE)
        }
        var existing = stat()
        if lstat(path, &existing) == 0 {
            guard existing.st_mode & S_IFMT == S_IFSOCK else {
                throw HTTPServerError(code: .addressInUse, address: path, operation: "the path exists and is not a socket", errno: EEXIST)
            }
            unlink(path)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.unixFailure("socket", path) }
        // Bound under a temporary name, made 0600, then renamed into place: the socket never
        // appears at `path` with looser permissions, and the process's umask (which children
        // spawned meanwhile would inherit) is never touched. Peers are also checked on accept.
        let temporary = path + ".\(getpid()).tmp"
        let staging = UnixSocketAddress(temporary) != nil ? temporary : path
        var bindAddress = UnixSocketAddress(staging)!
        guard bindAddress.withSocketAddress({ Glibc.bind(descriptor, $0, $1) }) == 0 else {
            let failure = Self.unixFailure("bind", path)
            Glibc.close(descriptor)
            throw failure
        }
        guard chmod(staging, 0o600) == 0, staging == path || rename(staging, path) == 0 else {
            let failure = Self.unixFailure(staging == path ? "chmod" : "rename", path)
            unlink(staging)
            Glibc.close(descriptor)
            throw failure
        }
        guard listen(descriptor, backlog) == 0 else {
            let failure = Self.unixFailure("listen", path)
            Glibc.close(descriptor)
            unlink(path)
            throw failure
        }
        var created = stat()
        stat(path, &created)
        return ListeningSocket(descriptor: descriptor, port: 0, address: path, unixPath: path, inode: UInt64(created.st_ino))
    }

    /// Removes the socket's path if it is still this socket (a newer server may have replaced it).
    func unlinkIfOwned() {
        guard let unixPath else { return }
        var current = stat()
        if stat(unixPath, &current) == 0, UInt64(current.st_ino) == inode { unlink(unixPath) }
    }

    private static func unixFailure(_ operation: String, _ path: String) -> HTTPServerError {
        let code = errno
        return HTTPServerError(code: .from(errno: code), address: path, operation: operation, errno: code)
    }
}

/// A `sockaddr_un`.
struct UnixSocketAddress {
    private var storage = sockaddr_un()

    init?(_ path: String) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: storage.sun_path) else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }

    mutating func withSocketAddress<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Whether some process accepts connections here now.
    mutating func acceptsConnections() -> Bool {
        listener() != nil
    }

    /// The credentials of the process that accepts connections here now (the one that created
    /// the listening socket); `nil` when none does.
    mutating func listener() -> PeerCredentials? {
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { return nil }
        defer { Glibc.close(probe) }
        guard withSocketAddress({ connect(probe, $0, $1) }) == 0 else { return nil }
        return PeerCredentials.of(probe) ?? PeerCredentials(pid: 0, uid: 0, gid: 0)
    }
}
