/// The admin channel the `steward` CLI talks to: `control: { socket: "/run/steward.sock" }`.
///
/// Without a `control` section steward still listens, at ``defaultSocketPath(environment:uid:)``.
///
/// A relative socket path is resolved against the config file's directory. The path must fit in a
/// Unix socket address (at most 107 bytes).
public struct ControlEndpoint: Sendable, Equatable {
    /// The Unix socket's path.
    public var socketPath: String

    /// The longest path a Unix socket address can hold (`sun_path` minus its terminating NUL).
    public static let maximumSocketPathLength = 107

    /// Creates an endpoint.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Where the control socket is when the config names none: `$STEWARD_SOCKET` if set; else
    /// `/run/steward.sock` for root; else `$XDG_RUNTIME_DIR/steward.sock`, or
    /// `/tmp/steward-UID/steward.sock` without a runtime directory (in the private directory the
    /// journal's default uses too: never a name in `/tmp` itself, which another user could take
    /// first).
    public static func defaultSocketPath(environment: [String: String], uid: UInt32) -> String {
        if let path = environment["STEWARD_SOCKET"], !path.isEmpty { return path }
        if uid == 0 { return "/run/steward.sock" }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/steward.sock" }
        return privateDirectory(uid: uid) + "/steward.sock"
    }

    /// `/tmp/steward-UID`: the directory of the last-resort defaults, steward's own (created
    /// 0700, refused when another user could have put anything in it).
    public static func privateDirectory(uid: UInt32) -> String { "/tmp/steward-\(uid)" }
}
