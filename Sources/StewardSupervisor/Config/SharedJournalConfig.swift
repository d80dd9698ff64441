#if canImport(Glibc)
import Glibc
#endif
import StewardPostgres

/// A journal on PostgreSQL that several stewards share, so that the jobs they all define run once
/// across them: `journal: { postgres: "postgresql://steward@db/steward?password_env=PGPASSWORD",
/// node: "pod-a" }`. Only jobs are shared; each steward supervises its own processes.
///
/// The password never appears in the config's output, logs or errors; it may come from the
/// environment (`password_env=VAR`) or a file (`password_file=PATH`) named in the connection string.
public struct SharedJournalConfig: Sendable, Equatable {
    /// The connection string: a `postgresql://` URL or libpq's `key=value` form.
    public var connection: String
    /// This steward's name among the nodes; default: the host name (a pod's name in Kubernetes).
    public var node: String?
    /// How often this node says it is alive. Default 1 s.
    public var heartbeat: Duration
    /// How long a run stays this node's without a heartbeat; past it, another node rescues it.
    /// Default 3 s (so a lost node's runs are rescued within about 5 s).
    public var lease: Duration
    /// How often this node looks for runs to claim when no notification says so. Default 1 s.
    public var poll: Duration
    /// Whether to LISTEN for other nodes' notifications; `false` for connection poolers that
    /// cannot (PgBouncer in transaction mode): everything then goes by polling. Default `true`.
    public var listen: Bool

    /// Creates a shared journal config; every setting but the connection string has the
    /// default documented on its property.
    public init(connection: String, node: String? = nil, heartbeat: Duration = .seconds(1), lease: Duration = .seconds(3),
                poll: Duration = .seconds(1), listen: Bool = true) {
        self.connection = connection
        self.node = node
        self.heartbeat = heartbeat
        self.lease = lease
        self.poll = poll
        self.listen = listen
    }

    /// The node name: ``node``, else the host name, else `steward-PID`.
    public func resolvedNode() -> String {
        if let node { return node }
        var buffer = [CChar](repeating: 0, count: 256)
        if gethostname(&buffer, buffer.count - 1) == 0 {
            let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !name.isEmpty { return name }
        }
        return "steward-\(getpid())"
    }

    /// The journal options of this node.
    public func options() -> PostgresJournalOptions {
        PostgresJournalOptions(node: resolvedNode(), heartbeatInterval: heartbeat, lease: lease, pollInterval: poll, listen: listen)
    }

    /// Where the journal is, for people (the password hidden).
    public var location: String {
        (try? PostgresConfiguration(parsing: connection)).map { "\($0)" } ?? "postgresql (unparsable connection string)"
    }
}

extension SharedJournalConfig {
    /// The keys of `journal` that configure a shared journal.
    static let keys = ["postgres", "node", "heartbeat", "lease", "poll", "listen"]

    /// Reads the shared journal's keys of `journal`, reporting every problem; `nil` when
    /// `postgres` is absent (then the other keys are reported as needing it).
    static func decode(_ object: ConfigObject, _ node: ConfigNode) -> SharedJournalConfig? {
        guard let postgresNode = object["postgres"] else {
            for key in keys.dropFirst() { object[key]?.report("needs journal.postgres (a shared journal)") }
            return nil
        }
        if object["path"] != nil { object["path"]?.report("journal.path and journal.postgres exclude each other: choose one journal") }
        guard let connection = postgresNode.string() else { return nil }
        do throws(PostgresError) {
            _ = try PostgresConfiguration(parsing: connection)
        } catch {
            postgresNode.report(error.message)
            return nil
        }
        var config = SharedJournalConfig(connection: connection)
        if let nameNode = object["node"], let name = nameNode.string() {
            if let problem = PostgresJournalOptions.problem(withNodeName: name) { nameNode.report(problem) } else { config.node = name }
        }
        if let heartbeat = object["heartbeat"]?.duration(positive: true) { config.heartbeat = heartbeat }
        if let poll = object["poll"]?.duration(positive: true) { config.poll = poll }
        if let leaseNode = object["lease"], let lease = leaseNode.duration(positive: true) {
            if lease < config.heartbeat * 2 {
                leaseNode.report("must be at least twice the heartbeat (\(config.heartbeat)), or a node's runs are rescued while it lives")
            } else {
                config.lease = lease
            }
        }
        if let listen = object["listen"]?.bool() { config.listen = listen }
        return config
    }
}
