/// Names one component of application health in the ``HealthRegistry``.
public struct HealthKey: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The key's name, shown in `/readyz?verbose` lines.
    public let name: String

    /// Creates a key.
    public init(_ name: String) { self.name = name }

    /// Creates a key from a literal.
    public init(stringLiteral value: String) { self.name = value }

    public var description: String { name }

    public static func < (lhs: HealthKey, rhs: HealthKey) -> Bool { lhs.name < rhs.name }
}

/// The state of one registered health component.
public struct HealthStatus: Sendable, Hashable {
    /// The component's key.
    public var key: HealthKey
    /// The component (usually a process name) that owns the key, if any.
    public var owner: String?
    /// Whether the component last reported itself healthy. Components start unhealthy.
    public var isHealthy: Bool
    /// Why the component is unhealthy (or any note given with the last update).
    public var reason: String?
    /// When the health or the reason last changed (registration counts as a change).
    public var changedAt: ContinuousClock.Instant

    /// Creates a status.
    public init(key: HealthKey, owner: String?, isHealthy: Bool, reason: String?, changedAt: ContinuousClock.Instant = .now) {
        self.key = key
        self.owner = owner
        self.isHealthy = isHealthy
        self.reason = reason
        self.changedAt = changedAt
    }
}

/// A health registry operation failed.
public struct HealthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable {
        private enum Kind: Hashable { case duplicate, unknown }
        private let kind: Kind
        /// The key was already registered.
        public static let duplicate = Code(kind: .duplicate)
        /// The key was never registered.
        public static let unknown = Code(kind: .unknown)
    }

    /// What went wrong.
    public var code: Code
    /// The key concerned.
    public var key: HealthKey

    /// Creates an error.
    public init(code: Code, key: HealthKey) {
        self.code = code
        self.key = key
    }

    public var description: String {
        code == .duplicate ? "health key \"\(key)\" is already registered" : "health key \"\(key)\" is not registered"
    }
}
