/// A parsed HTTP request, as a handler receives it.
///
/// The body is complete (the server reads it, up to the configured limit, before calling the
/// handler). `path` is percent-decoded; `target` is exactly what the client sent.
public struct HTTPRequest: Sendable {
    /// The method, e.g. `GET`.
    public var method: HTTPMethod
    /// The request target as sent, e.g. `/readyz?verbose`.
    public var target: String
    /// The percent-decoded path, e.g. `/readyz/my%20app` → `/readyz/my app`.
    public var path: String
    /// The raw query string after `?` (still encoded), or `nil` without `?`.
    public var query: String?
    /// The decoded query items, in order: `?verbose&n=2` → `verbose` (no value), `n=2`.
    public var queryItems: [HTTPQueryItem]
    /// The protocol version the client used.
    public var version: HTTPVersion
    /// The header fields (case-insensitive lookup).
    public var headers: HTTPHeaders
    /// The body bytes (empty without `Content-Length`).
    public var body: [UInt8]
    /// The client's address, `127.0.0.1:53211` or `[::1]:53211`.
    public var remoteAddress: String
    /// For a request matched by an ``HTTPRouter`` prefix route, the decoded path after the prefix
    /// (`/readyz/web` under prefix `/readyz/` → `web`); `nil` otherwise.
    public var pathRemainder: String?
    /// Who is on the other end of a Unix socket whose server checks its peers
    /// (``HTTPServerConfiguration/admitsPeer``); `nil` over TCP.
    public var peer: PeerCredentials? = nil

    /// Creates a request from a target, e.g. to call a handler or router directly in a test.
    /// Returns `nil` if `target` is not a valid request target (bad percent-encoding, spaces, …).
    public init?(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
                 body: [UInt8] = [], remoteAddress: String = "") {
        guard let parsed = RequestTarget(target) else { return nil }
        self.init(method: method, target: target, parsed: parsed, version: version, headers: headers, body: body,
                  remoteAddress: remoteAddress)
    }

    init(method: HTTPMethod, target: String, parsed: RequestTarget, version: HTTPVersion, headers: HTTPHeaders,
         body: [UInt8], remoteAddress: String) {
        self.method = method
        self.target = target
        self.path = parsed.path
        self.query = parsed.query
        self.queryItems = parsed.queryItems
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.pathRemainder = nil
    }

    /// Whether the query has an item named `name`, with or without a value (`?verbose`).
    public func hasQueryItem(_ name: String) -> Bool { queryItems.contains { $0.name == name } }

    /// The value of the first query item named `name`; `nil` if absent or written without `=`.
    public func queryValue(_ name: String) -> String? { queryItems.first { $0.name == name }?.value ?? nil }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
