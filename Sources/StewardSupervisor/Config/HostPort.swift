#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `host:port` address as written in the config (`"127.0.0.1:6380"`, `"[::1]:9100"`,
/// `"db.internal:5432"`), split and validated.
struct HostPort: Equatable {
    /// A host name or an IP address, without IPv6 brackets.
    var host: String
    /// The port.
    var port: UInt16

    /// Parses `host:port`; an empty host becomes `defaultHost` when one is given. Port 0 is
    /// accepted only with `allowsPortZero` ("any free port", for listening).
    static func parse(_ text: String, defaultHost: String?, allowsPortZero: Bool = false) throws(ConfigValueProblem) -> HostPort {
        let quoted = JSONValue.quoted(text)
        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ConfigValueProblem("not a host:port address (\(quoted)): missing \"]\"")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else {
                throw ConfigValueProblem("not a host:port address (\(quoted)): expected \":port\" after \"]\"")
            }
            portText = rest.dropFirst()
            guard isIPv6(String(hostText)) else {
                throw ConfigValueProblem("invalid IPv6 address \(JSONValue.quoted(String(hostText))) in \(quoted)")
            }
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons > 1 {
                throw ConfigValueProblem("not a host:port address (\(quoted)): write IPv6 addresses in brackets, as [::1]:9100")
            }
            guard let colon = text.firstIndex(of: ":") else {
                throw ConfigValueProblem("not a host:port address (\(quoted))")
            }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if !hostText.isEmpty, !isHostName(String(hostText)) {
                throw ConfigValueProblem("invalid host \(JSONValue.quoted(String(hostText))) in \(quoted)")
            }
        }
        let host: String
        if hostText.isEmpty {
            guard let defaultHost else { throw ConfigValueProblem("missing host in \(quoted)") }
            host = defaultHost
        } else {
            host = String(hostText)
        }
        let port = try parsePort(portText, in: quoted, allowsZero: allowsPortZero)
        return HostPort(host: host, port: port)
    }

    /// A decimal port number in 1…65535 (0…65535 with `allowsZero`).
    static func parsePort(_ text: Substring, in quoted: String, allowsZero: Bool) throws(ConfigValueProblem) -> UInt16 {
        let range = allowsZero ? "0-65535" : "1-65535"
        guard !text.isEmpty else { throw ConfigValueProblem("missing port in \(quoted)") }
        guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let port = UInt16(text), allowsZero || port != 0 else {
            throw ConfigValueProblem("invalid port \(JSONValue.quoted(String(text))) in \(quoted) (expected \(range))")
        }
        return port
    }

    /// A DNS name (letters, digits, `-`, `_` in dot-separated labels) or a valid dotted IPv4 address.
    static func isHostName(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, text.utf8.count <= 253, labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 }) else {
            // A single trailing dot (fully qualified) is allowed.
            return text.hasSuffix(".") && text.count > 1 && isHostName(String(text.dropLast()))
        }
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95 || byte == 46
        }
        guard allowed else { return false }
        if text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }) {
            var address = in_addr()
            return inet_pton(AF_INET, text, &address) == 1
        }
        return true
    }

    /// Whether `text` is a valid IPv6 address (without brackets).
    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
