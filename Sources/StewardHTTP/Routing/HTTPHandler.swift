/// Answers HTTP requests. Handlers run as Swift tasks, off the server's event loop, one at a time
/// per connection; many connections' handlers run concurrently, so a handler must be thread-safe
/// and should be quick (a streaming body is the way to keep sending for long).
public protocol HTTPHandler: Sendable {
    /// Produces the response to `request`. For a `HEAD` request the server sends the head of the
    /// returned response without its body.
    func handle(_ request: HTTPRequest) async -> HTTPResponse

    /// The response to `request` computed at once, on the server's event loop, without a task;
    /// `nil` (the default) when the handler needs ``handle(_:)``.
    ///
    /// Only for answers that never wait and take microseconds (a probe reading in-memory state):
    /// while it runs, the server serves no other connection.
    func immediateResponse(to request: HTTPRequest) -> HTTPResponse?
}

extension HTTPHandler {
    /// No immediate answer: the server runs ``handle(_:)`` in a task.
    public func immediateResponse(to request: HTTPRequest) -> HTTPResponse? { nil }
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

/// A handler made from a synchronous closure the server calls on its event loop, without a task
/// (see ``HTTPHandler/immediateResponse(to:)``): for probes that an orchestrator polls often.
///
/// ```swift
/// let live = HTTPImmediateHandler { _ in .text("ok\n") }
/// ```
public struct HTTPImmediateHandler: HTTPHandler {
    private let body: @Sendable (HTTPRequest) -> HTTPResponse

    /// Creates a handler that calls `body`, which must neither block nor take long.
    public init(_ body: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.body = body }

    /// Calls the closure.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse { body(request) }

    /// Calls the closure.
    public func immediateResponse(to request: HTTPRequest) -> HTTPResponse? { body(request) }
}
