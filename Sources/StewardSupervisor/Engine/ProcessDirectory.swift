import Synchronization

/// The configured processes as they are now (after every reload): each one's config, output
/// pump and component, by name. The control plane reads it for status, logs and operator
/// actions; ``Reload`` keeps it current.
public final class ProcessDirectory: Sendable {
    /// One configured process.
    public struct Entry: Sendable {
        /// Its config.
        public let config: ProcessConfig
        /// Its output pump (the ring buffer behind `steward logs`).
        public let output: OutputPump
        /// The supervised process; `nil` for a oneshot.
        public let supervised: SupervisedProcess?
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Creates an empty directory.
    public init() {}

    /// The entry named `name`, if configured.
    public subscript(name: String) -> Entry? { entries.withLock { $0[name] } }

    /// Every entry, in startup order (priority, then name).
    public var all: [Entry] {
        entries.withLock { Array($0.values) }.sorted { ($0.config.priority, $0.config.name) < ($1.config.priority, $1.config.name) }
    }

    /// The names, in startup order.
    public var names: [String] { all.map(\.config.name) }

    /// Records (or replaces) an entry. A replaced entry's output pump is retired, ending its
    /// followers (`steward logs -f`).
    func set(_ entry: Entry) {
        let replaced = entries.withLock { $0.updateValue(entry, forKey: entry.config.name) }
        if let replaced, replaced.output !== entry.output { replaced.output.retire() }
    }

    /// Forgets `name`, retiring its output pump.
    func remove(_ name: String) {
        entries.withLock { $0.removeValue(forKey: name) }?.output.retire()
    }
}
