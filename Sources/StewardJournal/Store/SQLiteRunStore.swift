#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJobs
import Synchronization

/// The durable `RunStore`: the run journal in an SQLite file (the system library, WAL mode),
/// which other processes read while steward writes it (`steward runs`, ``JournalReader``).
///
/// - A run is durable before `execute` starts: ``createRun(_:)``, ``claimRun(_:startedAt:)`` and
///   ``finishRun(_:)`` return once their transaction committed.
/// - Everything else returns at once: one writer thread takes what is due and writes it in one
///   transaction — log lines in batches, progress coalesced to one write per
///   ``JournalOptions/progressInterval`` per run. Readers never see a torn record: each row is
///   written whole, in a transaction.
/// - The runs this process owns are kept in memory until their final record is written, so reads
///   are current and never wait for the disk.
/// - When the file cannot be written (disk full, read-only, locked by another process), the
///   journal turns unhealthy (``health``) and the writer retries every
///   ``JournalOptions/retryInterval``; the jobs go on, and what they wrote is kept in memory
///   (log lines up to ``JournalOptions/backlogLines``) and written once the cause is gone. A
///   durable write then throws `unavailable`: the record is not on disk yet, but not lost.
/// - A corrupt file (`PRAGMA quick_check` when it is opened, `SQLITE_CORRUPT` or `SQLITE_NOTADB`
///   from any read or write) turns the journal unhealthy ("journal corrupt: …") as any outage
///   does, except that nothing more is written to that file: records wait in memory until the
///   path names another file (the damaged one moved away, or a backup restored).
/// - One process writes a journal at a time: a second steward on the same file finds it locked.
public final class SQLiteRunStore: RunStore {
    /// The journal file.
    public let path: String
    /// How the journal is kept.
    public let options: JournalOptions

    let state: ConditionLock<JournalState>
    let writer: JournalWriter
    /// The read connection and the file it was opened on.
    let reader: ConditionLock<(connection: SQLiteConnection, file: JournalFileIdentity?)?>
    let logger: Logger
    private let observers = HealthObservers()
    private let nextObserver = Atomic<UInt64>(0)

    /// Opens (or creates, mode 0600, with its directory) the journal at `path` and starts its
    /// writer thread. Never throws: a journal that cannot be opened starts unhealthy (see
    /// ``health``) and is retried; so is a file with a newer schema, with an error saying so.
    public init(path: String, options: JournalOptions = JournalOptions(),
                logger: Logger = Logger(label: "journal", sink: FileDescriptorLogSink.standardError())) {
        self.path = path
        self.options = options
        self.logger = logger
        let state = ConditionLock(JournalState(health: JournalHealth(isHealthy: true, since: Date())))
        self.state = state
        reader = ConditionLock(nil)
        let observers = self.observers
        writer = JournalWriter(path: path, options: options, logger: logger, state: state) { health in
            for observer in observers.all { observer(health) }
        }
        if let failure = writer.openNow() {
            let notices = state.withLock { s in
                s.markUnhealthy(failure.error, file: failure.file, since: Date())
                s.retryAt = monotonicNanoseconds() &+ options.retryInterval.nanoseconds
                return s.takeNotices()
            }
            for notice in notices { notice.log(to: logger, path: path) }
        }
        if let failure = writer.start() {
            state.withLock { s in
                s.health = JournalHealth(isHealthy: false, reason: "cannot start the writer thread: \(failure)", since: Date())
                s.writerDone = true
                s.writerFinished = true
            }
        }
    }

    /// Checks, creating and changing nothing, that the journal at `path` could be opened for
    /// writing: its directories exist or can be created, and its files can be created or written
    /// (what `steward check` asks before `steward run` opens it). Another steward holding the
    /// journal is not detected.
    /// - Throws: the ``SQLiteError`` opening it would meet.
    public static func checkWritable(path: String) throws(SQLiteError) {
        try JournalFile.checkWritable(path)
    }

    /// Whether the journal is being written, and why not.
    public var health: JournalHealth { state.withLock { $0.health } }

    /// Calls `handler` (on the writer thread) each time ``health`` changes; returns a token for
    /// ``removeHealthObserver(_:)``.
    @discardableResult
    public func observeHealth(_ handler: @escaping @Sendable (JournalHealth) -> Void) -> UInt64 {
        let token = nextObserver.add(1, ordering: .relaxed).newValue
        observers.handlers.withLock { $0[token] = handler }
        return token
    }

    /// Stops calling an observer.
    public func removeHealthObserver(_ token: UInt64) {
        _ = observers.handlers.withLock { $0.removeValue(forKey: token) }
    }

    /// Writes everything pending (one attempt when the journal is unhealthy), checkpoints the WAL
    /// into the file and closes it. Later writes fail with `unavailable`.
    public func close() async {
        reader.withLock { $0 = nil }  // the writer's connection must be the last, to checkpoint and remove the WAL
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.writerFinished { return true }
                s.closing = true
                s.wake &+= 1
                s.closeWaiters.append(continuation)
                return false
            }
            state.broadcast()
            if done { continuation.resume() }
        }
    }

    /// Limits the file to `pages` pages (`nil`: no limit), so writes fail with `SQLITE_FULL` as on
    /// a full disk: for tests of the journal's degradation.
    package func limitPages(_ pages: Int?) {
        writer.pageLimit.store(pages ?? 0, ordering: .relaxed)
        _ = try? change { _ in }
    }

    /// Run records written so far (each a whole row): how tests see progress coalescing.
    package var recordWrites: Int { state.withLock { $0.recordWrites } }

    // MARK: Shared helpers

    /// Applies `change` to the state and wakes the writer.
    func change<T>(_ change: (inout JournalState) throws(RunStoreError) -> T) throws(RunStoreError) -> T {
        let result = try state.withLock { (s: inout JournalState) throws(RunStoreError) -> T in
            let result = try change(&s)
            s.wake &+= 1
            return result
        }
        state.broadcast()
        return result
    }

    /// Waits until the writer committed everything up to `generation`.
    /// - Throws: `unavailable` when the write failed (the change stays in memory and is written
    ///   once the journal recovers) or the journal is closed.
    func waitDurable(_ generation: UInt64, _ runId: RunID?) async throws(RunStoreError) {
        let failure: SQLiteError? = await withCheckedContinuation { continuation in
            let immediate = state.withLock { s -> SQLiteError?? in
                if generation <= s.committedGeneration { return .some(nil) }
                if let refusal = s.refusal(now: monotonicNanoseconds()) { return .some(refusal) }
                s.durableWaiters.append((generation, continuation))
                return .none
            }
            if case .some(let error) = immediate { continuation.resume(returning: error) }
        }
        if let failure {
            // An outage is logged by the journal (see JournalOutage); a close is not an outage.
            throw RunStoreError(.unavailable, runId: runId,
                                message: "not yet durable (\(failure)); kept in memory and written once the journal recovers",
                                isAnnounced: failure != JournalState.closed)
        }
    }

    /// Runs `body` inside the writer's next transaction and returns its result.
    func command<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection, Set<RunID>) throws(SQLiteError) -> T,
                              committed: @escaping @Sendable (T, inout JournalState) -> Void = { _, _ in }) async throws(RunStoreError) -> T {
        let box = Mutex<T?>(nil)
        let failure: SQLiteError? = await withCheckedContinuation { continuation in
            let command = JournalCommand(
                body: { connection, owned throws(SQLiteError) in
                    let value = try body(connection, owned)
                    box.withLock { $0 = value }
                },
                committed: { s in
                    if let value = box.withLock({ $0 }) { committed(value, &s) }
                },
                finished: { error in continuation.resume(returning: error) })
            let immediate = state.withLock { s -> SQLiteError? in
                if let refusal = s.refusal(now: monotonicNanoseconds()) { return refusal }
                s.commands.append(command)
                s.wake &+= 1
                return nil
            }
            state.broadcast()
            if let immediate { continuation.resume(returning: immediate) }
        }
        if let failure { throw RunStoreError(.unavailable, message: "\(failure)", isAnnounced: failure != JournalState.closed) }
        guard let value = box.withLock({ $0 }) else { throw RunStoreError(.unavailable, message: "the journal returned nothing") }
        return value
    }

    /// Runs `body` on the read connection (opened read-only on first use, and again when the path
    /// names another file: a damaged journal moved away, a backup restored).
    func read<T>(_ body: (SQLiteConnection) throws(SQLiteError) -> T) throws(RunStoreError) -> T {
        var damaged: JournalFileIdentity??
        do throws(SQLiteError) {
            return try reader.withLock { (opened: inout (connection: SQLiteConnection, file: JournalFileIdentity?)?) throws(SQLiteError) -> T in
                let current = JournalFileIdentity(path: path)
                if let file = opened?.file, !file.isSameFile(as: current) { opened = nil }
                if opened == nil {
                    let connection = try SQLiteConnection(path: path, readOnly: true, busyTimeout: options.busyTimeout)
                    try JournalSchema.check(connection)
                    opened = (connection, current)
                }
                do throws(SQLiteError) {
                    return try body(opened!.connection)
                } catch {
                    if error.isCorrupt { damaged = .some(opened?.file) }
                    opened = nil
                    throw error
                }
            }
        } catch {
            if error.isCorrupt { noteCorruption(error, in: damaged ?? JournalFileIdentity(path: path)) }
            throw RunStoreError(.unavailable, message: "\(error)", isAnnounced: error.isCorrupt)
        }
    }

    /// A read ran into a damaged file: the journal turns unhealthy, and the writer lets go of the
    /// file before its next write (see `JournalIntegrity`). `file` is the one the read was on,
    /// which may no longer be at the path; the writer then checks the new one and goes on.
    private func noteCorruption(_ error: SQLiteError, in file: JournalFileIdentity?) {
        let (changed, notices) = state.withLock { s in
            (s.markUnhealthy(error, file: file, since: Date()) ? s.health : nil, s.takeNotices())
        }
        for notice in notices { notice.log(to: logger, path: path) }
        guard let changed else { return }
        for observer in observers.all { observer(changed) }
    }

    /// A new run's log limiter.
    func limiter(lines: Int = 0, bytes: Int = 0) -> RunLogLimiter {
        RunLogLimiter(maximumBytes: options.maximumLogBytes, maximumLines: options.maximumLogLines, lineCount: lines, byteCount: bytes)
    }

    static func unknown(_ runId: RunID) -> RunStoreError {
        RunStoreError(.unknownRun, runId: runId, message: "no such run")
    }
}

/// The health observers of a store.
final class HealthObservers: Sendable {
    let handlers = Mutex<[UInt64: @Sendable (JournalHealth) -> Void]>([:])

    var all: [@Sendable (JournalHealth) -> Void] { handlers.withLock { Array($0.values) } }
}
