/// An `http://` URL as accepted by an HTTP readiness or liveness check, split into what an HTTP
/// client needs: host, port and request target.
///
/// Only plain `http://` is supported (probes talk to the process on its own machine or pod).
/// The port defaults to 80 and the path to `/`; a `#fragment` is dropped; credentials
/// (`user@host`) are rejected.
public struct HTTPProbeURL: Sendable, Equatable {
    /// The host name or IP address, without IPv6 brackets.
    public var host: String
    /// The TCP port (80 when the URL has none).
    public var port: UInt16
    /// The request target: the path and query, starting with `/`.
    public var path: String
    /// The URL in normal form: `http://` + authority as written + ``path``.
    public var text: String

    /// Parses `url`; `nil` when it is not a URL the HTTP check supports.
    public init?(_ url: String) {
        guard let parsed = try? Self.parse(url) else { return nil }
        self = parsed
    }

    private init(host: String, port: UInt16, path: String, text: String) {
        self.host = host
        self.port = port
        self.path = path
        self.text = text
    }

    /// Parses `url`, explaining what is wrong: `not a URL ("htp:/x")`.
    static func parse(_ url: String) throws(ConfigValueProblem) -> HTTPProbeURL {
        let quoted = JSONValue.quoted(url)
        let scheme = "http://"
        guard url.lowercased().hasPrefix(scheme) else {
            if url.lowercased().hasPrefix("https://") {
                throw ConfigValueProblem("https is not supported (\(quoted)); use an http:// URL")
            }
            if let separator = url.firstRange(of: "://") {
                let scheme = url[..<separator.lowerBound]
                if !scheme.isEmpty, scheme.allSatisfy(Self.isSchemeCharacter) {
                    throw ConfigValueProblem("unsupported scheme \"\(scheme)\" (\(quoted)); use an http:// URL")
                }
            }
            throw ConfigValueProblem("not a URL (\(quoted))")
        }
        guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw ConfigValueProblem("not a URL (\(quoted)): spaces and control characters must be percent-encoded")
        }
        var rest = url.dropFirst(scheme.count)
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        guard !authority.isEmpty else { throw ConfigValueProblem("not a URL (\(quoted)): missing host") }
        guard !authority.contains("@") else {
            throw ConfigValueProblem("credentials in URLs are not supported (\(quoted))")
        }

        let host: String
        var port: UInt16 = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]"),
                  HostPort.isIPv6(String(authority[authority.index(after: authority.startIndex)..<close])) else {
                throw ConfigValueProblem("invalid IPv6 address in URL (\(quoted))")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw ConfigValueProblem("not a URL (\(quoted))") }
                port = try HostPort.parsePort(after.dropFirst(), in: quoted, allowsZero: false)
            }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw ConfigValueProblem("not a URL (\(quoted))") }
            host = String(parts[0])
            guard HostPort.isHostName(host) else {
                throw ConfigValueProblem("invalid host \(JSONValue.quoted(host)) in URL (\(quoted))")
            }
            if parts.count == 2 {
                port = try HostPort.parsePort(parts[1], in: quoted, allowsZero: false)
            }
        }
        return HTTPProbeURL(host: host, port: port, path: path, text: scheme + authority + path)
    }

    private static func isSchemeCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "+" || character == "-" || character == ".")
    }
}
