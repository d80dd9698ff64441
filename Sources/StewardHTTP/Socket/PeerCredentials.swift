import CStewardSystem
#if canImport(Glibc)
import Glibc
#endif

/// Who is on the other end of a Unix socket connection (`SO_PEERCRED`).
public struct PeerCredentials: Sendable, Equatable {
    /// The peer's pid.
    public var pid: Int32
    /// The peer's effective uid.
    public var uid: UInt32
    /// The peer's effective gid.
    public var gid: UInt32

    /// Creates credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// The credentials of `descriptor`'s peer (a connected Unix socket, from either end); `nil`
    /// if unavailable.
    public static func of(_ descriptor: Int32) -> PeerCredentials? {
        var pid: pid_t = 0
        var uid: uid_t = 0
        var gid: gid_t = 0
        guard steward_peer_credentials(descriptor, &pid, &uid, &gid) == 0 else { return nil }
        return PeerCredentials(pid: pid, uid: uid, gid: gid)
    }

    /// The credentials of the process listening on the Unix socket at `path` (it answered a
    /// connection); `nil` when nothing listens there. Nothing is sent on the connection.
    public static func ofListener(at path: String) -> PeerCredentials? {
        guard var address = UnixSocketAddress(path) else { return nil }
        return address.listener()
    }

    /// Whether this peer is `uid` or root: the rule of a private admin socket.
    public func isOwnerOrRoot(_ uid: UInt32) -> Bool { self.uid == uid || self.uid == 0 }
}
