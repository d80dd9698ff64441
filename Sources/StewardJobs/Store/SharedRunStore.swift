#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A journal shared by several schedulers — nodes, usually one steward per pod — on one database,
/// so that jobs defined on every node run once across all of them.
///
/// With a shared store, a ``JobScheduler`` no longer decides alone: every new run goes through
/// ``admit(_:overlap:claim:)``, which the database decides atomically (a schedule fire is made
/// once, whichever nodes fire it; the overlap policy holds across nodes), and queued runs are
/// executed by whichever node claims them first (``claim(_:limit:)``). The database's clock is the
/// authority for every instant nodes compare (due times, leases, heartbeats).
///
/// The store also keeps the node alive for the others (``heartbeat()``), rescues the runs of a
/// node that stopped heartbeating (``rescue()``), carries actions between nodes
/// (``requestStop(_:)``, ``events()``) and lists the nodes (``nodes()``).
public protocol SharedRunStore: RunStore {
    /// This node's name, unique among the nodes sharing the store; recorded as each run's ``RunRecord/node``.
    var node: String { get }

    /// How often the scheduler calls ``heartbeat()`` and ``rescue()``.
    var heartbeatInterval: Duration { get }

    /// How long a run stays this node's without a heartbeat; past it other nodes rescue it. After
    /// an outage of the database longer than this, a node waits one lease before rescuing, so
    /// that the others can heartbeat again.
    var lease: Duration { get }

    /// How often the scheduler looks for claimable runs when no event says so (the polling
    /// fallback; the only way in a poll-only mode without notifications).
    var pollInterval: Duration { get }

    /// Puts this node in the registry (again after a restart) and marks the `running` runs a
    /// previous instance *of this node* left as `crashed` with `reason` (never another node's).
    /// Called once when the scheduler starts; returns the crashed runs, for their retry policy.
    /// A node name is one steward's at a time: while another steward with this name heartbeats,
    /// joining is refused (and the journal reports why); once it stopped, or fell silent past
    /// its lease, this one takes the name over.
    /// - Throws: `unavailable` when the database cannot be reached; `conflict` while another live
    ///   steward holds this node's name.
    func join(version: String, reason: String) async throws(RunStoreError) -> [RunRecord]

    /// Marks this node stopped in the registry (a clean shutdown: no rescue is needed).
    func leave() async

    /// Makes a new run durable, decided atomically across every node:
    /// - a schedule fire (trigger `schedule`) already made by any node, or a retry of a run
    ///   already retried (same ``RunRecord/retryOf``), is ``SharedAdmission/duplicate(_:)``;
    /// - overlap `skip`: when a run of the job is active anywhere (running, or queued and due),
    ///   the run is recorded `skipped`; `queueOne`: skipped when one already waits;
    /// - otherwise the run is stored `queued` (any node may claim it once due), or, with `claim`,
    ///   `running` on this node at once (child runs and proceeds, which run where they were asked).
    /// - Throws: `unavailable`; `duplicateRun` for an id that exists.
    func admit(_ record: RunRecord, overlap: OverlapPolicy, claim: Bool) async throws(RunStoreError) -> SharedAdmission

    /// Claims up to `limit` queued runs that are due by the database's clock, of the jobs in
    /// `jobs` (the ones this node can run, with their overlap policy), in one transaction that
    /// skips rows other nodes are claiming: each run is claimed by one node. A job whose policy is
    /// not `allow` gets a run only while none of its runs is running on any node. Claimed runs are
    /// `running` on this node, their `startedAt` the database's.
    /// - Throws: `unavailable`.
    func claim(_ jobs: [JobID: OverlapPolicy], limit: Int) async throws(RunStoreError) -> [RunRecord]

    /// How long until the earliest queued run of `jobs` is due, by the database's clock (zero
    /// when one is due now); `nil` when none is queued.
    /// - Throws: `unavailable`.
    func nextDue(_ jobs: Set<JobID>) async throws(RunStoreError) -> Duration?

    /// Stops a run wherever it is: a queued run is stopped at once (``SharedStopOutcome/stopped(_:)``);
    /// a run running on a node is flagged, and that node told, which stops it
    /// (``SharedStopOutcome/requested(node:)``); an ended one is ``SharedStopOutcome/ended(_:)``.
    /// - Throws: `unknownRun`; `unavailable`.
    func requestStop(_ runId: RunID) async throws(RunStoreError) -> SharedStopOutcome

    /// Stamps this node alive and renews the lease of each run it has running. Returns the runs
    /// it claimed that are no longer its own (rescued while it was paused or cut off: stop them,
    /// never record them) and those another node asked to stop.
    /// - Throws: `unavailable`.
    func heartbeat() async throws(RunStoreError) -> SharedHeartbeat

    /// Marks `crashed` (error "node lost") the running runs of nodes whose lease ran out, and
    /// returns them, each to exactly one rescuer, for their retry policy.
    /// - Throws: `unavailable`.
    func rescue() async throws(RunStoreError) -> [RunRecord]

    /// What other nodes did that this node must act on, as it happens (notifications), plus the
    /// store's connection state. Every subscriber gets every event.
    func events() -> AsyncStream<SharedStoreEvent>

    /// Records that `jobId` fired up to `instant` (the last fired instant never goes back),
    /// leaving its runtime changes (enabled, schedule) as they are: a node that fires while
    /// another changes the job must not undo the change. Tells no other node.
    /// - Throws: `unavailable`.
    func saveLastFired(_ jobId: JobID, _ instant: Date) async throws(RunStoreError)

    /// Every node that joined, with its heartbeat age.
    /// - Throws: `unavailable`.
    func nodes() async throws(RunStoreError) -> [NodeStatus]
}

/// What ``SharedRunStore/admit(_:overlap:claim:)`` decided.
public enum SharedAdmission: Sendable, Hashable {
    /// Stored `queued`: the node that claims it runs it.
    case queued(RunRecord)
    /// Stored `running` on this node (asked with `claim`).
    case running(RunRecord)
    /// Stored `skipped`: the overlap policy refused it.
    case skipped(RunRecord)
    /// Not stored: the same schedule fire or retry was already made (by any node); the text says which.
    case duplicate(String)
}

/// What ``SharedRunStore/requestStop(_:)`` did.
public enum SharedStopOutcome: Sendable, Hashable {
    /// The run was queued and is now `stopped`: its final record.
    case stopped(RunRecord)
    /// The run is running on `node`, which was asked to stop it.
    case requested(node: String)
    /// The run had already ended: its record.
    case ended(RunRecord)
}

/// What ``SharedRunStore/heartbeat()`` found.
public struct SharedHeartbeat: Sendable, Hashable {
    /// Runs this node claimed that another node rescued: stop the work, write nothing.
    public var lost: [RunID]
    /// Runs of this node that another node asked to stop.
    public var stopRequested: [RunID]
    /// Whether another steward holds this node's name now (it joined under the name while this
    /// one was unresponsive past its lease): this one is no longer a member. Every run it
    /// claimed is in ``lost``; it claims nothing until it has joined again.
    public var displaced: Bool

    /// Creates a heartbeat result.
    public init(lost: [RunID] = [], stopRequested: [RunID] = [], displaced: Bool = false) {
        self.lost = lost
        self.stopRequested = stopRequested
        self.displaced = displaced
    }
}

/// An event of a ``SharedRunStore``.
public enum SharedStoreEvent: Sendable, Hashable {
    /// Runs may have become claimable (another node admitted, finished or stopped one).
    case runsChanged
    /// Another node asked this node to stop one of its runs.
    case stopRequested(RunID)
    /// A job's persisted state (enabled, schedule) was changed by another node.
    case jobChanged(JobID)
    /// Notifications may have been missed (connected again after a loss): look at everything again.
    case resynchronize
}

/// One node of a shared journal, as ``SharedRunStore/nodes()`` lists it.
public struct NodeStatus: Sendable, Hashable {
    /// The node's name.
    public var name: String
    /// The steward version it runs.
    public var version: String
    /// Its host name, if known.
    public var host: String?
    /// Its process id, if known.
    public var pid: Int32?
    /// Time since its last heartbeat, by the database's clock.
    public var heartbeatAge: Duration
    /// How many runs it has `running`.
    public var runningRuns: Int
    /// Whether it left cleanly (``SharedRunStore/leave()``) and has not joined since.
    public var stopped: Bool
    /// The lease its runs get (its own setting), if the registry knows it: silent for longer,
    /// its runs are rescued by the others.
    public var lease: Duration?

    /// Creates a node's status.
    public init(name: String, version: String, host: String? = nil, pid: Int32? = nil, heartbeatAge: Duration,
                runningRuns: Int, stopped: Bool = false, lease: Duration? = nil) {
        self.name = name
        self.version = version
        self.host = host
        self.pid = pid
        self.heartbeatAge = heartbeatAge
        self.runningRuns = runningRuns
        self.stopped = stopped
        self.lease = lease
    }

    /// `alive`; `silent` (no heartbeat for longer than its lease, `lease` when the registry does
    /// not know it: its runs are rescued by the others); `left` (stopped cleanly).
    public func state(defaultLease lease: Duration) -> String {
        stopped ? "left" : heartbeatAge > (self.lease ?? lease) ? "silent" : "alive"
    }
}
