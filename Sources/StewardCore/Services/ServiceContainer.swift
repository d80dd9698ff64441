import Synchronization

/// A typed, keyed registry of shared objects (a database pool, a logger, loaded configuration).
///
/// Containers form layers: ``overlay()`` creates a child whose entries shadow its parent's, which is
/// how each component sees a logger carrying its own metadata while sharing everything else.
/// Lookups walk from the layer asked toward the root. Thread-safe.
public final class ServiceContainer: Sendable {
    private struct Entry: Sendable {
        let value: any Sendable
        let tag: String?
        let typeName: String
        let order: Int
    }

    private let parent: ServiceContainer?
    private let entries = Mutex<[String: Entry]>([:])

    /// Creates an empty root container.
    public init() { parent = nil }

    private init(parent: ServiceContainer) { self.parent = parent }

    /// A new layer on top of this container. Registrations in the overlay shadow entries of the same
    /// name below it; the container itself is not changed.
    public func overlay() -> ServiceContainer { ServiceContainer(parent: self) }

    /// Registers `value` under `key` in this layer.
    /// - Throws: ``ServiceError/Code/duplicate`` if this layer already has an entry with that name
    ///   (shadowing a parent's entry is allowed: that is what overlays are for).
    public func register<Value: Sendable>(_ key: ServiceKey<Value>, _ value: Value) throws(ServiceError) {
        let inserted = entries.withLock { entries -> Bool in
            guard entries[key.name] == nil else { return false }
            entries[key.name] = Entry(value: value, tag: key.tag, typeName: "\(Value.self)", order: entries.count)
            return true
        }
        guard inserted else { throw ServiceError(code: .duplicate, key: key.name) }
    }

    /// Registers or replaces `value` under `key` in this layer. Never fails.
    public func set<Value: Sendable>(_ key: ServiceKey<Value>, _ value: Value) {
        entries.withLock { entries in
            let order = entries[key.name]?.order ?? entries.count
            entries[key.name] = Entry(value: value, tag: key.tag, typeName: "\(Value.self)", order: order)
        }
    }

    /// The value for `key`, from the nearest layer that has the name.
    /// - Throws: ``ServiceError/Code/missing`` or ``ServiceError/Code/typeMismatch``.
    public func resolve<Value: Sendable>(_ key: ServiceKey<Value>) throws(ServiceError) -> Value {
        guard let entry = lookup(key.name) else { throw ServiceError(code: .missing, key: key.name) }
        guard let value = entry.value as? Value else {
            throw ServiceError(code: .typeMismatch, key: key.name, detail: "holds \(entry.typeName), asked for \(Value.self)")
        }
        return value
    }

    /// The value for `key`, or `nil` if no layer has the name or the value has another type.
    public func resolveIfPresent<Value: Sendable>(_ key: ServiceKey<Value>) -> Value? {
        lookup(key.name)?.value as? Value
    }

    /// Whether any layer has an entry with the key's name.
    public func contains<Value: Sendable>(_ key: ServiceKey<Value>) -> Bool { lookup(key.name) != nil }

    /// Every visible value of type `Value` whose key carried `tag`, in registration order (parent
    /// layers first, shadowed entries excluded).
    public func resolveAll<Value: Sendable>(_ type: Value.Type = Value.self, tagged tag: String) -> [Value] {
        visibleEntries().filter { $0.entry.tag == tag }.compactMap { $0.entry.value as? Value }
    }

    /// Names visible from this layer, sorted.
    public var names: [String] { visibleEntries().map(\.name).sorted() }

    private func lookup(_ name: String) -> Entry? {
        if let entry = entries.withLock({ $0[name] }) { return entry }
        return parent?.lookup(name)
    }

    private func visibleEntries() -> [(name: String, entry: Entry)] {
        let own = entries.withLock { $0 }
        let inherited = (parent?.visibleEntries() ?? []).filter { own[$0.name] == nil }
        return inherited + own.sorted { $0.value.order < $1.value.order }.map { (name: $0.key, entry: $0.value) }
    }
}
