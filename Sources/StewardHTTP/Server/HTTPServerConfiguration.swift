import StewardCore

/// Where an ``HTTPServer`` listens and the limits that protect it. Every property has a default.
///
/// | setting | default | on violation |
/// |---|---|---|
/// | `maxRequestLineLength` | 8 KiB | 414 (target too long) or 400 |
/// | `maxHeaderCount` | 100 | 431 |
/// | `maxHeaderBytes` | 16 KiB | 431 |
/// | `maxBodySize` | 1 MiB | 413 |
/// | `headerTimeout` | 10 s | connection dropped |
/// | `bodyTimeout` | 30 s | connection dropped |
/// | `idleTimeout` | 60 s | keep-alive connection closed |
/// | `writeTimeout` | 30 s | connection dropped |
/// | `maxConnections` | 4096 | new connections get 503 and are closed |
/// | `streamBufferLimit` | 256 KiB | stream's connection closed |
/// | `shutdownGracePeriod` | 5 s | remaining connections closed |
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal to bind: `127.0.0.1` (default), `0.0.0.0`, `::1`, `[::1]`, `::`.
    /// Host names are not resolved, except `localhost` (127.0.0.1).
    public var host: String
    /// The TCP port; 0 (default) picks an ephemeral port, see ``HTTPServer/boundPort``.
    public var port: Int
    /// The `listen` backlog. Default 511.
    public var backlog: Int32
    /// The longest request line accepted (method, target and version, without the line break).
    public var maxRequestLineLength: Int
    /// The most header fields in one request.
    public var maxHeaderCount: Int
    /// The most bytes of header fields in one request (line breaks included).
    public var maxHeaderBytes: Int
    /// The largest request body (`Content-Length`). Chunked request bodies are refused with 501.
    public var maxBodySize: Int
    /// Time allowed for a whole request head, from the connection's accept (first request) or the
    /// first byte of the request (later ones). A client dribbling bytes is dropped when it passes.
    public var headerTimeout: Duration
    /// Time allowed for a whole request body, from the end of its head.
    public var bodyTimeout: Duration
    /// How long a keep-alive connection may wait for its next request.
    public var idleTimeout: Duration
    /// How long queued response bytes may wait without the client accepting any.
    public var writeTimeout: Duration
    /// The most open connections; beyond it a new connection gets a best-effort 503 and is closed.
    public var maxConnections: Int
    /// The most bytes queued per streaming response before the slow client is dropped.
    public var streamBufferLimit: Int
    /// On shutdown, how long in-flight responses may take to finish before connections are closed.
    public var shutdownGracePeriod: Duration
    /// A Unix stream socket to listen on instead of `host:port` (created with mode 0600; a stale
    /// socket file is replaced, a live one refused). Default `nil`.
    public var unixSocketPath: String?
    /// Decides, for a Unix socket, whether a connecting peer is admitted (by its uid, say);
    /// refused peers are disconnected before anything is read. Default `nil`: everyone the
    /// socket's file mode lets in.
    public var admitsPeer: (@Sendable (PeerCredentials) -> Bool)?
    /// A health key ``HTTPServer/run(_:)`` marks healthy once it serves and unhealthy when it
    /// stops. Register it with the component (`ComponentOptions.healthKeys`). Default `nil`: the
    /// server reports its readiness under its component name anyway (`ReadinessReporting`).
    public var healthKey: HealthKey?

    /// Creates a configuration; every parameter has the default documented in the table above.
    public init(host: String = "127.0.0.1", port: Int = 0) {
        self.host = host
        self.port = port
        self.backlog = 511
        self.maxRequestLineLength = 8 * 1024
        self.maxHeaderCount = 100
        self.maxHeaderBytes = 16 * 1024
        self.maxBodySize = 1024 * 1024
        self.headerTimeout = .seconds(10)
        self.bodyTimeout = .seconds(30)
        self.idleTimeout = .seconds(60)
        self.writeTimeout = .seconds(30)
        self.maxConnections = 4096
        self.streamBufferLimit = 256 * 1024
        self.shutdownGracePeriod = .seconds(5)
        self.healthKey = nil
        self.unixSocketPath = nil
        self.admitsPeer = nil
    }

    /// A configuration listening on the Unix socket at `path`, admitting only peers for which
    /// `admitsPeer` is true (default: everyone the file mode 0600 lets in).
    public static func unix(path: String, admitsPeer: (@Sendable (PeerCredentials) -> Bool)? = nil) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.unixSocketPath = path
        configuration.admitsPeer = admitsPeer
        return configuration
    }
}
