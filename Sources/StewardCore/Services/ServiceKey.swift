/// A typed key into a ``ServiceContainer``.
///
/// The name identifies the entry (names are unique within one container layer, whatever the value
/// type); `Value` makes lookups type-safe. An optional tag groups related entries so that they can be
/// listed together with ``ServiceContainer/resolveAll(_:tagged:)``.
public struct ServiceKey<Value: Sendable>: Sendable, Hashable, CustomStringConvertible {
    /// The entry's name, unique within a container layer.
    public let name: String
    /// An optional group label used by tag lookups.
    public let tag: String?

    /// Creates a key named `name`, optionally tagged.
    public init(_ name: String, tag: String? = nil) {
        self.name = name
        self.tag = tag
    }

    public var description: String { tag.map { "\(name) [\($0)]" } ?? name }
}

extension ServiceKey where Value == Logger {
    /// The logger of the component being served. Every component's overlay holds one carrying the
    /// component's name and metadata.
    public static var logger: ServiceKey<Logger> { ServiceKey("logger") }
}

extension ServiceKey where Value == HealthRegistry {
    /// The application's single health registry.
    public static var health: ServiceKey<HealthRegistry> { ServiceKey("health") }
}
