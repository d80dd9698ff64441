/// Checks `Authorization: Bearer <token>` against a configured token in constant time, for the
/// endpoints that change state.
///
/// ```swift
/// let auth = HTTPBearerAuthenticator(token: secret)
/// router.add(.post, .prefix("/processes/"), auth.protect(controlHandler))
/// ```
///
/// A rejected request gets `401 Unauthorized` with `WWW-Authenticate: Bearer` (plus
/// `error="invalid_token"` when a wrong token was presented). An empty configured token authorizes
/// nothing.
public struct HTTPBearerAuthenticator: Sendable {
    private let expected: [UInt8]

    /// Creates an authenticator accepting exactly `token`.
    public init(token: String) { self.expected = Array(token.utf8) }

    /// Whether `request` carries the token (scheme `Bearer`, case-insensitive).
    public func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard !expected.isEmpty, let presented = Self.presentedToken(request) else { return false }
        return Self.constantTimeEquals(Array(presented.utf8), expected)
    }

    /// `nil` if `request` is authorized, otherwise the 401 response to send.
    public func rejection(for request: HTTPRequest) -> HTTPResponse? {
        guard !isAuthorized(request) else { return nil }
        let challenge = Self.presentedToken(request) == nil ? "Bearer" : "Bearer error=\"invalid_token\""
        return .status(.unauthorized, headers: ["WWW-Authenticate": challenge])
    }

    /// A handler that answers 401 unless the request is authorized, and calls `handler` otherwise.
    public func protect(_ handler: some HTTPHandler) -> HTTPClosureHandler {
        let authenticator = self
        return HTTPClosureHandler { request in
            if let rejection = authenticator.rejection(for: request) { return rejection }
            return await handler.handle(request)
        }
    }

    /// The token after `Bearer ` in the `Authorization` header, if any.
    static func presentedToken(_ request: HTTPRequest) -> Substring? {
        guard let authorization = request.headers["Authorization"] else { return nil }
        let parts = authorization.trimmingSpaces().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, HTTPHeaders.namesEqual(parts[0], "Bearer") else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// Compares every byte whatever the mismatches, so the time taken does not reveal how long a
    /// prefix of the secret the caller guessed.
    static func constantTimeEquals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        for index in 0..<max(presented.count, expected.count) {
            let lhs = index < presented.count ? presented[index] : 0
            let rhs = index < expected.count ? expected[index] : 0
            difference |= lhs ^ rhs
        }
        return difference == 0
    }
}
