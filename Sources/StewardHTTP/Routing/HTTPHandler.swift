/// Answers HTTP requests. Handlers run as Swift tasks, off the server's event loop, one at a time
/// per connection; many connections' handlers run concurrently, so a handler must be thread-safe
/// and should be quick (a streaming body is the way to keep sending for long).
public protocol HTTPHandler: Sendable {
    /// Produces the response to `request`. For a `HEAD` request the server sends the head of the
    /// returned response without its body.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}

/// A handler made from a closure.
///
/// ```swift
/// let hello = HTTPClosureHandler { request in .text("hello \(request.remoteAddress)\n") }
/// ```
public struct HTTPClosureHandler: HTTPHandler {
    private let body: @Sendable (HTTPRequest) async -> HTTPResponse

    /// Creates a handler that calls `body`.
    public init(_ body: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) { self.body = body }

    /// Calls the closure.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse { await body(request) }
}
