#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJobs
import StewardJournal
import Synchronization

/// The run journal several stewards share, in PostgreSQL: a `SharedRunStore` (every
/// node admits, claims and rescues runs through it, decided by the database) and a
/// `JournalBackend` (history, logs, progress, job state, audit, retention,
/// health), opened with `open(_:options:logger:)` or, to read only,
/// ``openReadOnly(_:logger:)``.
///
/// What keeps nodes apart:
/// - a schedule fire is one row whatever the nodes that fire it (a unique key on the job and the
///   instant); an automatic retry is one row per retried run (a unique key on `retry_of`);
/// - admission takes a per-job advisory lock for its transaction, so the overlap policy is decided
///   on what every node has committed;
/// - claiming takes due runs with `FOR UPDATE SKIP LOCKED`, so each run is claimed by one node;
/// - every claim bumps the run's claim epoch, and every write of a running run names the epoch
///   this node claimed (fencing): a node paused past its lease cannot overwrite the run another
///   node rescued;
/// - every instant nodes compare (due times, leases, heartbeats) is the database's clock.
///
/// The store works through separate connections, each with its own thread (libpq blocks): one for
/// writes, one for reads (listings, log pages, followers), one for the heartbeat and rescue (so a
/// slow query never delays a heartbeat), and one that LISTENs (unless
/// ``PostgresJournalOptions/listen`` is off).
public final class PostgresRunStore: Sendable {
    /// The options it was opened with (``PostgresJournalOptions/node`` is this node).
    public let options: PostgresJournalOptions
    /// Where the database is, without the password.
    public let configuration: PostgresConfiguration
    /// Whether it was opened with ``openReadOnly(_:logger:)``: every write fails `unavailable`.
    public let isReadOnly: Bool

    /// The connections writes go through: each run's writes always through the same one (chosen
    /// by its id), in the order they were asked, so its log lines and final record keep their order.
    let writers: [PostgresConnection]
    /// The first write connection (migrations, the health probe, writes of no run).
    package var connection: PostgresConnection { writers[0] }
    /// The connection reads go through.
    let reader: PostgresConnection
    /// The heartbeat's and rescue's connection.
    let pulse: PostgresConnection
    let logger: Logger
    let healthMonitor: PostgresHealthMonitor
    let hub = PostgresEventHub()
    /// The claim epoch of each run this store claimed and has not finished.
    let claims = Mutex<[RunID: Int]>([:])
    /// Runs whose stop request ``heartbeat()`` reported already.
    let reportedStops = Mutex<Set<RunID>>([])
    /// Each written run's log cap, as far as this store knows it (seeded from the table).
    let limiters = Mutex<[RunID: RunLogLimiter]>([:])
    let progress: PostgresProgressCoalescer
    /// The tasks the store runs itself (the listener's consumer, the health probe).
    let background = Mutex<(tasks: [UInt64: Task<Void, Never>], next: UInt64, closed: Bool)>(([:], 0, false))
    let listener = Mutex<PostgresListener?>(nil)
    /// Whether the schema was checked (and migrated): until then every statement is refused
    /// (``openWhenReachable(_:options:logger:)`` sets it once the database is reached).
    let isReady = Atomic<Bool>(true)
    /// The turn of ``anyWriter()``.
    let nextWriter = Atomic<UInt64>(0)
    /// This steward's token in the node registry: the node's name is this store's only while the
    /// registry row carries it (see ``join(version:reason:)``).
    let instance: String
    /// Why this store is not the node it is named (another live steward holds the name), since
    /// when; `nil` once it joined. Reported by ``health``.
    let nameConflict = Mutex<JournalHealth?>(nil)

    /// Creates the store and its connections (nothing is sent yet).
    init(configuration: PostgresConfiguration, options: PostgresJournalOptions, logger: Logger, readOnly: Bool) throws(PostgresError) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.isReadOnly = readOnly
        writers = try (0..<(readOnly ? 1 : options.writeConnections)).map { _ throws(PostgresError) in
            try PostgresConnection(configuration, backoff: options.backoff)
        }
        reader = try PostgresConnection(configuration, backoff: options.backoff)
        pulse = try PostgresConnection(configuration, backoff: options.backoff)
        healthMonitor = PostgresHealthMonitor(logger: logger, location: configuration.description)
        progress = PostgresProgressCoalescer(interval: options.progressInterval)
        var generator = SystemRandomNumberGenerator()
        instance = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }

    /// This node's name (``PostgresJournalOptions/node``).
    public var node: String { options.node }
    /// See ``PostgresJournalOptions/heartbeatInterval``.
    public var heartbeatInterval: Duration { options.heartbeatInterval }
    /// See ``PostgresJournalOptions/lease``.
    public var lease: Duration { options.lease }
    /// See ``PostgresJournalOptions/pollInterval``.
    public var pollInterval: Duration { options.pollInterval }

    // MARK: Running statements

    /// Runs `body` on `runId`'s write connection (or `connection`); a refusal `refine` recognises (a unique key) is thrown
    /// as it says, anything else as `unavailable`.
    @discardableResult
    func write<T: Sendable>(_ runId: RunID?, on connection: PostgresConnection? = nil,
                            refine: @Sendable (PostgresError) -> RunStoreError? = { _ in nil },
                            _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T) async throws(RunStoreError) -> T {
        guard !isReadOnly else {
            throw RunStoreError(.unavailable, runId: runId, message: "the shared journal was opened read-only")
        }
        return try await perform(on: connection ?? writer(for: runId), runId, refine: refine, body)
    }

    /// The next write connection in turn, for writes whose order does not matter (claims).
    func anyWriter() -> PostgresConnection {
        writers[Int(nextWriter.add(1, ordering: .relaxed).oldValue % UInt64(writers.count))]
    }

    /// The write connection of `runId`'s writes (the first for writes of no run).
    func writer(for runId: RunID?) -> PostgresConnection {
        guard let runId, writers.count > 1 else { return writers[0] }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: the same run, the same connection
        for byte in runId.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return writers[Int(hash % UInt64(writers.count))]
    }

    /// Runs `body` on the read connection.
    @discardableResult
    func read<T: Sendable>(_ runId: RunID?,
                           _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T) async throws(RunStoreError) -> T {
        try await perform(on: reader, runId, body)
    }

    /// Runs `body` on `connection`, telling the health monitor how it went.
    @discardableResult
    func perform<T: Sendable>(on connection: PostgresConnection, _ runId: RunID?,
                              refine: @Sendable (PostgresError) -> RunStoreError? = { _ in nil },
                              _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T) async throws(RunStoreError) -> T {
        guard isReady.load(ordering: .acquiring) else {
            throw RunStoreError(.unavailable, runId: runId, message: "the shared journal is not ready: \(health.reason ?? "connecting")",
                                isAnnounced: true)
        }
        do throws(PostgresError) {
            let value = try await connection.withSession(body)
            healthMonitor.reachable()
            return value
        } catch {
            if let refined = refine(error) {
                healthMonitor.reachable()
                throw refined
            }
            throw failure(error, runId)
        }
    }

    /// The `unavailable` error for `error`; a lost database turns the journal unhealthy first
    /// (which logs it), so the error says it was announced.
    func failure(_ error: PostgresError, _ runId: RunID?) -> RunStoreError {
        if error.kind == .closed { return RunStoreError(.unavailable, runId: runId, message: "the shared journal is closed") }
        guard error.isConnectionLoss else { return RunStoreError(.unavailable, runId: runId, message: error.description) }
        unreachable(error.message)
        return RunStoreError(.unavailable, runId: runId, message: "the database cannot be reached: \(error.message)", isAnnounced: true)
    }

    /// Records that the database is lost; on the change, starts probing (every
    /// ``PostgresJournalOptions/pollInterval``) until every connection works again.
    func unreachable(_ reason: String) {
        guard healthMonitor.unreachable(reason) else { return }
        spawn { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: options.pollInterval)
                if Task.isCancelled { return }
                do throws(PostgresError) {
                    // Every connection, so none keeps a session the outage broke (each may fail
                    // once on its stale session, then connects again).
                    for connection in writers + [reader, pulse] {
                        if (try? await connection.query("SELECT 1")) == nil { try await connection.query("SELECT 1") }
                    }
                    if healthMonitor.reachable() { hub.yield(.resynchronize) }
                    return
                } catch {
                    if error.kind == .closed { return }
                    healthMonitor.unreachable(error.message)
                }
            }
        }
    }

    /// Runs `work` as one of the store's own tasks (cancelled by ``close()``).
    func spawn(_ work: @escaping @Sendable () async -> Void) {
        background.withLock { b in
            guard !b.closed else { return }
            b.next += 1
            let token = b.next
            b.tasks[token] = Task { [weak self] in
                await work()
                _ = self?.background.withLock { $0.tasks.removeValue(forKey: token) }
            }
        }
    }

    // MARK: Shared SQL

    static func read(_ runId: RunID, _ session: PostgresSession) throws(PostgresError) -> PostgresRunRow.Selected? {
        let rows = try session.query(PostgresRunRow.select + " WHERE r.run_id = $1", [.text(runId.rawValue)])
        return rows.rows.isEmpty ? nil : PostgresRunRow.record(rows, 0)
    }

    static func selected(_ rows: PostgresRows) -> [PostgresRunRow.Selected] {
        rows.rows.indices.map { PostgresRunRow.record(rows, $0) }
    }

    /// Replaces a run's steps (`fresh`: a new row, without steps yet).
    static func writeSteps(_ steps: [String], _ rowId: Int64, _ session: PostgresSession, fresh: Bool = false) throws(PostgresError) {
        if !fresh { try session.query("DELETE FROM steward.run_steps WHERE run = $1", [.integer(rowId)]) }
        guard !steps.isEmpty else { return }
        try session.query("""
            INSERT INTO steward.run_steps (run, position, name)
            SELECT $1, s.ordinality - 1, s.name FROM unnest($2::text[]) WITH ORDINALITY AS s (name, ordinality)
            """, [.integer(rowId), .text(arrayLiteral(steps))])
    }

    /// Sends a notification on `channel` (inside the caller's transaction: delivered on commit).
    static func notify(_ channel: String, _ payload: String, _ session: PostgresSession) throws(PostgresError) {
        try session.query("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// A PostgreSQL array literal of texts (`{"a","b\"c"}`), for `= ANY($n::text[])` and `unnest`.
    /// NUL characters, which PostgreSQL's text cannot hold, become U+2400 (␀).
    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { value in
            "\"" + value.flatMap { character -> [Character] in
                switch character {
                case "\"", "\\": ["\\", character]
                case "\u{0}": ["\u{2400}"]
                default: [character]
                }
            } + "\""
        }.joined(separator: ",") + "}"
    }

    /// A PostgreSQL array literal of integers (`{1,2}`).
    static func arrayLiteral(_ values: [Int64]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }
}

/// The notification channels of the shared journal.
enum PostgresChannel {
    /// Runs were admitted, finished, stopped or rescued: claimable runs may have changed. Payload: the sender node.
    static let runs = "steward_runs"
    /// A node is asked to act on a run. Payload: `sender<TAB>target node<TAB>action<TAB>run id`.
    static let actions = "steward_actions"
    /// A job's persisted state changed. Payload: `sender<TAB>job id`.
    static let jobs = "steward_jobs"
}
