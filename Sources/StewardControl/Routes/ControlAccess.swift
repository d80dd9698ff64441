import StewardHTTP

/// Who may do what on a listener of the control API.
public struct ControlAccess: Sendable, Equatable {
    private enum Kind: Equatable {
        case full
        case readOnly
        case token(String)
    }
    private let kind: Kind

    /// Everything (the control socket, whose peers are checked by uid).
    public static let full = ControlAccess(kind: .full)
    /// Probes, status, metrics, events and run records only (TCP without a configured token);
    /// actions and logs answer 403 saying how to enable them.
    public static let readOnly = ControlAccess(kind: .readOnly)
    /// Read-only freely; mutating actions and logs with `Authorization: Bearer TOKEN` (TCP with
    /// a configured token).
    public static func token(_ token: String) -> ControlAccess { ControlAccess(kind: .token(token)) }

    /// Whether `request` may see an operator's data (logs, a job's stderr and output): always on
    /// the socket, never over TCP without a token, with the right bearer token otherwise.
    func permitsPrivateData(_ request: HTTPRequest) -> Bool {
        switch kind {
        case .full: true
        case .readOnly: false
        case .token(let token): HTTPBearerAuthenticator(token: token).isAuthorized(request)
        }
    }

    /// Why `request` may not act (or read logs) here: 403 saying how to enable actions over TCP
    /// (`http.token`), 401 for a missing or wrong token; `nil` when it may.
    func rejection(for request: HTTPRequest) -> HTTPResponse? {
        switch kind {
        case .full: return nil
        case .readOnly:
            return ControlRoutes.failure("actions and logs are disabled over TCP: set http.token in the config (then send "
                                         + "Authorization: Bearer TOKEN), or use the control socket (steward CMD --socket PATH)",
                                         status: .forbidden)
        case .token(let token):
            guard let challenge = HTTPBearerAuthenticator(token: token).rejection(for: request) else { return nil }
            var response = ControlRoutes.failure("missing or wrong token: send Authorization: Bearer TOKEN with the config's http.token",
                                                 status: .unauthorized)
            response.headers["WWW-Authenticate"] = challenge.headers["WWW-Authenticate"]
            return response
        }
    }

    /// The token actions require, if any.
    var requiredToken: String? {
        if case .token(let token) = kind { return token }
        return nil
    }
}
