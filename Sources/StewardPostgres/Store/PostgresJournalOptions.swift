import StewardJournal

/// How a ``PostgresRunStore`` works with the shared journal: this node's name, the rhythm of its
/// heartbeats, leases and polling, whether it listens for notifications, and the cap on each
/// run's log (the same as the SQLite journal's `JournalOptions`).
///
/// With the defaults a node heartbeats every second and holds each running run for 3 s past its
/// last heartbeat, so a node that dies has its runs rescued by another node within about 4 s
/// (the lease, plus up to one heartbeat interval until a live node's ``PostgresRunStore/rescue()``).
public struct PostgresJournalOptions: Sendable, Hashable {
    /// This node's name, unique among the nodes sharing the database (a pod's name, a host name).
    /// Recorded as the `RunRecord/node` of each run it runs.
    public var node: String
    /// How often the scheduler calls ``PostgresRunStore/heartbeat()`` and ``PostgresRunStore/rescue()``.
    /// Default 1 s.
    public var heartbeatInterval: Duration
    /// How long a running run stays this node's after a heartbeat: past it, any node may rescue
    /// the run (crash it with `node lost` and retry it). Keep it a few heartbeats long. Default 3 s.
    public var lease: Duration
    /// How often the scheduler looks for claimable runs when no notification says so. Default 1 s.
    public var pollInterval: Duration
    /// Whether to LISTEN for other nodes' changes on a connection of its own (`true`, the default),
    /// or to rely on polling alone (`false`: for a connection pooler in transaction mode, such as
    /// pgbouncer, which cannot keep a LISTEN). Without it ``PostgresRunStore/events()`` yields
    /// only what this store itself did; stops reach a node through its heartbeat.
    public var listen: Bool
    /// The largest total of text bytes kept per run's log; past it one truncation marker is
    /// written and later lines are dropped. Default 1 MiB.
    public var maximumLogBytes: Int
    /// The most lines kept per run's log. Default 100,000.
    public var maximumLogLines: Int
    /// The least time between two progress writes of one run (the latest value wins; the final
    /// record always carries the last one). Default 100 ms.
    public var progressInterval: Duration
    /// How often a log follower (``PostgresRunStore/followLog(_:from:)``) looks for new lines.
    /// Default 200 ms.
    public var followInterval: Duration
    /// How many connections carry this node's writes (each a thread of its own and a server
    /// backend). Each run's writes go through one of them, so they keep their order; several let
    /// runs be written at once. Default 3.
    public var writeConnections: Int
    /// The waits between attempts to reach a lost server (each connection's own). Default 100 ms
    /// doubling up to 5 s.
    public var backoff: PostgresBackoff

    /// Creates options; every argument has the default described on its property.
    public init(node: String, heartbeatInterval: Duration = .seconds(1), lease: Duration = .seconds(3),
                pollInterval: Duration = .seconds(1), listen: Bool = true, maximumLogBytes: Int = 1 << 20,
                maximumLogLines: Int = 100_000, progressInterval: Duration = .milliseconds(100),
                followInterval: Duration = .milliseconds(200), writeConnections: Int = 3, backoff: PostgresBackoff = PostgresBackoff()) {
        self.node = node
        self.heartbeatInterval = heartbeatInterval
        self.lease = lease
        self.pollInterval = pollInterval
        self.listen = listen
        self.maximumLogBytes = max(0, maximumLogBytes)
        self.maximumLogLines = max(0, maximumLogLines)
        self.progressInterval = progressInterval
        self.followInterval = followInterval
        self.writeConnections = max(1, writeConnections)
        self.backoff = backoff
    }

    /// Takes the log cap and progress interval of the SQLite journal's options (the journal
    /// settings steward already has), keeping everything else.
    public func withLogLimits(of journal: JournalOptions) -> PostgresJournalOptions {
        var copy = self
        copy.maximumLogBytes = journal.maximumLogBytes
        copy.maximumLogLines = journal.maximumLogLines
        copy.progressInterval = journal.progressInterval
        return copy
    }

    /// Why `node` cannot name a node, or `nil` when it can: it must be 1 to 200 characters with
    /// no control characters (it travels in notifications, tab-separated).
    public static func problem(withNodeName node: String) -> String? {
        if node.isEmpty { return "the node name is empty" }
        if node.count > 200 { return "the node name is longer than 200 characters" }
        if node.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the node name contains a control character"
        }
        return nil
    }
}
