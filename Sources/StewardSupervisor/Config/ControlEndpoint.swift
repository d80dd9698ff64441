/// The admin channel the `steward` CLI talks to: `control: { socket: "/run/steward.sock" }`.
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
}
