/// Where steward serves HTTP (`/livez`, `/readyz`, `/status`, `/metrics`, `/events`):
/// `http: { listen: "127.0.0.1:9100", token: "…" }`.
///
/// `listen` is `host:port`; IPv6 hosts go in brackets (`"[::1]:9100"`); an empty host
/// (`":9100"`) means loopback, `127.0.0.1`. Port 0 asks the OS for any free port.
public struct HTTPEndpoint: Sendable, Equatable {
    /// The address to bind (without IPv6 brackets).
    public var host: String
    /// The port to bind; 0 = any free port.
    public var port: UInt16
    /// `token`: the bearer token that mutating endpoints require; `nil` (the default) = mutating
    /// endpoints are off.
    public var token: String?

    /// The host used when `listen` has none (`":9100"`).
    public static let defaultHost = "127.0.0.1"

    /// Creates an endpoint.
    public init(host: String = defaultHost, port: UInt16, token: String? = nil) {
        self.host = host
        self.port = port
        self.token = token
    }
}
