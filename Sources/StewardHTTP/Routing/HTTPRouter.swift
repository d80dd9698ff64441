/// Dispatches requests to handlers by path and method, and answers 404 and 405 itself.
///
/// Routes are exact paths or path prefixes (``HTTPRoutePattern``). For a request, the patterns
/// matching its path are tried from the most specific (exact, then the longest prefix) and the first
/// with a handler for the method wins. `HEAD` falls back to the `GET` handler (the server drops the
/// body). No match for the path is `404 Not Found`; a matching path without the method is
/// `405 Method Not Allowed` with an `Allow` header. Both carry `Connection: close`, like every error
/// response the server itself produces. Adding a route twice replaces the earlier handler.
///
/// ```swift
/// var router = HTTPRouter()
/// router.get("/livez") { _ in .text("ok\n") }
/// router.get(.prefix("/readyz/")) { request in .text("checking \(request.pathRemainder ?? "")\n") }
/// router.add(.post, "/restart", auth.protect(restartHandler))
/// ```
public struct HTTPRouter: HTTPHandler {
    private struct Route: Sendable {
        var pattern: HTTPRoutePattern
        var handlers: [HTTPMethod: any HTTPHandler]
    }

    private var routes: [Route] = []

    /// Creates a router without routes (every request is a 404).
    public init() {}

    /// Routes `method` requests matching `pattern` to `handler`.
    public mutating func add(_ method: HTTPMethod, _ pattern: HTTPRoutePattern, _ handler: some HTTPHandler) {
        if let index = routes.firstIndex(where: { $0.pattern == pattern }) {
            routes[index].handlers[method] = handler
        } else {
            routes.append(Route(pattern: pattern, handlers: [method: handler]))
            routes.sort { $0.pattern.precedence > $1.pattern.precedence }
        }
    }

    /// Routes `method` requests matching `pattern` to a closure.
    public mutating func add(_ method: HTTPMethod, _ pattern: HTTPRoutePattern,
                             _ handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        add(method, pattern, HTTPClosureHandler(handle))
    }

    /// Routes `GET` (and so `HEAD`) requests matching `pattern` to a closure.
    public mutating func get(_ pattern: HTTPRoutePattern, _ handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        add(.get, pattern, handle)
    }

    /// Routes `GET` (and so `HEAD`) requests matching `pattern` to a synchronous closure the
    /// server calls on its event loop (``HTTPImmediateHandler``): for probes polled often.
    public mutating func get(_ pattern: HTTPRoutePattern, immediate handle: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        add(.get, pattern, HTTPImmediateHandler(handle))
    }

    /// Routes `POST` requests matching `pattern` to a closure.
    public mutating func post(_ pattern: HTTPRoutePattern, _ handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        add(.post, pattern, handle)
    }

    /// The methods some route accepts for `path` (with `HEAD` when `GET` is there), sorted; empty
    /// when no route matches the path.
    public func allowedMethods(for path: String) -> [HTTPMethod] {
        var methods = Set<HTTPMethod>()
        for route in routes where route.pattern.match(path) != nil {
            methods.formUnion(route.handlers.keys)
        }
        if methods.contains(.get) { methods.insert(.head) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    /// Where a request goes: a handler (with the request's path remainder set), or an error.
    private enum Destination {
        case handler(any HTTPHandler, HTTPRequest)
        case refusal(HTTPResponse)
    }

    private func destination(of request: HTTPRequest) -> Destination {
        var matchedPath = false
        for route in routes {
            guard let remainder = route.pattern.match(request.path) else { continue }
            matchedPath = true
            let handler = route.handlers[request.method] ?? (request.method == .head ? route.handlers[.get] : nil)
            guard let handler else { continue }
            var routed = request
            routed.pathRemainder = remainder
            return .handler(handler, routed)
        }
        guard matchedPath else {
            return .refusal(.status(.notFound, headers: ["Connection": "close"]))
        }
        let allow = allowedMethods(for: request.path).map(\.rawValue).joined(separator: ", ")
        return .refusal(.status(.methodNotAllowed, headers: ["Allow": allow, "Connection": "close"]))
    }

    /// Dispatches `request`, or answers 404/405.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        switch destination(of: request) {
        case .handler(let handler, let routed): await handler.handle(routed)
        case .refusal(let response): response
        }
    }

    /// The immediate answer of the route's handler, or the 404/405; `nil` when the route's
    /// handler needs a task.
    public func immediateResponse(to request: HTTPRequest) -> HTTPResponse? {
        switch destination(of: request) {
        case .handler(let handler, let routed): handler.immediateResponse(to: routed)
        case .refusal(let response): response
        }
    }
}
