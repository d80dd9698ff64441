/// Which request paths a route of an ``HTTPRouter`` matches: one exact path, or every path under a
/// prefix. A struct wrapping a private enum so other kinds of patterns can be added.
///
/// A string literal is an exact pattern: `router.add(.get, "/livez") { … }`.
public struct HTTPRoutePattern: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    private enum Kind: Hashable {
        case exact(String)
        case prefix(String)
    }

    private let kind: Kind

    private init(kind: Kind) { self.kind = kind }

    /// Creates an exact pattern from a literal path.
    public init(stringLiteral value: String) { self.kind = .exact(value) }

    /// Matches exactly `path` (the decoded request path, query excluded).
    public static func exact(_ path: String) -> HTTPRoutePattern { HTTPRoutePattern(kind: .exact(path)) }

    /// Matches every decoded path starting with `prefix`, the prefix itself included; the rest of
    /// the path is passed to the handler as ``HTTPRequest/pathRemainder``. With `prefix("/readyz/")`,
    /// `/readyz/web` has remainder `web` and `/readyz/` has remainder `""`.
    public static func prefix(_ prefix: String) -> HTTPRoutePattern { HTTPRoutePattern(kind: .prefix(prefix)) }

    /// The path for an exact pattern, `prefix*` for a prefix pattern.
    public var description: String {
        switch kind {
        case .exact(let path): path
        case .prefix(let prefix): "\(prefix)*"
        }
    }

    /// Whether this is a prefix pattern.
    var isPrefix: Bool {
        if case .prefix = kind { true } else { false }
    }

    /// How specific the pattern is: exact patterns beat prefixes, longer prefixes beat shorter ones.
    var precedence: Int {
        switch kind {
        case .exact: Int.max
        case .prefix(let prefix): prefix.utf8.count
        }
    }

    /// `nil` if `path` does not match; otherwise the remainder (`nil` for an exact match).
    func match(_ path: String) -> String?? {
        switch kind {
        case .exact(let exact):
            return path == exact ? .some(nil) : nil
        case .prefix(let prefix):
            guard path.utf8.starts(with: prefix.utf8) else { return nil }
            return .some(String(decoding: path.utf8.dropFirst(prefix.utf8.count), as: UTF8.self))
        }
    }
}
