import StewardJobs

/// One node of a shared journal as `GET /nodes` and `steward nodes --json` serve it.
public struct NodeBody: Codable, Sendable, Equatable {
    /// The node's name (`journal.node`).
    public var name: String
    /// The steward version it runs.
    public var version: String
    /// Its host name, if known.
    public var host: String?
    /// Its process id, if known.
    public var pid: Int32?
    /// Milliseconds since its last heartbeat, by the database's clock.
    public var heartbeatAgeMs: Int64
    /// How many runs it has running.
    public var runningRuns: Int
    /// Whether it left cleanly and has not joined since.
    public var stopped: Bool
    /// Whether it is the steward that answered.
    public var isThisNode: Bool
    /// `alive`; `silent` (no heartbeat for longer than its lease: its runs are being rescued);
    /// `left` (stopped cleanly).
    public var state: String

    /// Converts `status`; `thisNode` is the answering steward's name, `lease` the lease assumed
    /// for a node whose own the registry does not know.
    public init(_ status: NodeStatus, thisNode: String?, lease: Duration) {
        name = status.name
        version = status.version
        host = status.host
        pid = status.pid
        let (seconds, attoseconds) = status.heartbeatAge.components
        heartbeatAgeMs = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        runningRuns = status.runningRuns
        stopped = status.stopped
        isThisNode = status.name == thisNode
        state = status.state(defaultLease: lease)
    }
}

extension ControlAPI {
    /// `GET`: the nodes of the shared journal, as ``NodeBody`` (404 when the journal is not shared).
    public static let nodes = "/nodes"
}
