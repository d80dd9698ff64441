#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import StewardJobs
import Synchronization

/// The journal's one writer path: a thread of its own that owns the read-write connection and
/// the writer lock, takes everything due from the shared state and writes it in one transaction
/// (group commit), so callers never wait for the disk unless they ask for durability, and a
/// chatty job's lines cost one transaction per batch, not one per line.
///
/// When a write fails (disk full, read-only, locked) the batch goes back into the state, the
/// journal reports unhealthy and the thread tries again every retry interval; once a write
/// succeeds it is healthy again and everything held back is written. A corrupt file is the
/// exception: it is not written again, and the thread waits for another file at the path
/// (see `JournalIntegrity`).
final class JournalWriter: @unchecked Sendable {
    let path: String
    let options: JournalOptions
    let logger: Logger
    let state: ConditionLock<JournalState>
    let healthChanged: @Sendable (JournalHealth) -> Void

    /// A limit on the file's pages (`PRAGMA max_page_count`) applied before each write: how tests
    /// make the disk "full" and then free it again. 0: no limit.
    let pageLimit = Atomic<Int>(0)

    // Owned by the writer thread (and by `init`'s first open, before the thread starts).
    private var connection: SQLiteConnection?
    private var lock: JournalLock?
    private var appliedPageLimit = 0
    /// The file `PRAGMA quick_check` last passed (or was skipped for), so a reopen after an outage
    /// does not read a sound file again.
    private var checkedFile: JournalFileIdentity?

    init(path: String, options: JournalOptions, logger: Logger, state: ConditionLock<JournalState>,
         healthChanged: @escaping @Sendable (JournalHealth) -> Void) {
        self.path = path
        self.options = options
        self.logger = logger
        self.state = state
        self.healthChanged = healthChanged
    }

    /// Opens the file now, so a journal that cannot be opened (or is corrupt) is reported
    /// unhealthy from the start; the thread retries later.
    func openNow() -> (error: SQLiteError, file: JournalFileIdentity?)? {
        do throws(SQLiteError) {
            _ = try open()
            return nil
        } catch {
            return (error, error.isCorrupt ? JournalFileIdentity(path: path) : nil)
        }
    }

    /// Starts the thread.
    func start() -> SystemError? {
        if case .failure(let failure) = DetachedThread.spawn(name: "steward-journal", { [self] in loop() }) { return failure }
        return nil
    }

    // MARK: The thread

    private enum Step {
        case write(JournalState.Batch)
        case sleep(seen: UInt64, deadline: UInt64?)
        case exit
    }

    /// Writes what is due, sleeps until something changes or a deadline passes; on close, writes
    /// what is left (one attempt) and exits.
    private func loop() {
        let interval = options.progressInterval.nanoseconds
        while true {
            let step = state.withLock { s -> Step in
                if let batch = s.takeBatch(now: monotonicNanoseconds(), progressInterval: interval) {
                    s.writing = true
                    return .write(batch)
                }
                if s.closing {
                    s.writerDone = true  // from here on, new work is refused at once
                    return .exit
                }
                return .sleep(seen: s.wake, deadline: s.nextDeadline(progressInterval: interval))
            }
            switch step {
            case .write(let batch):
                if !write(batch), state.withLock({ s in
                    if s.closing { s.writerDone = true }
                    return s.closing
                }) {
                    logger.error("the journal was closed with records it could not write", metadata: ["path": path])
                    finish()
                    return
                }
            case .sleep(let seen, let deadline):
                state.withLock(waitingWhile: { $0.wake == seen && !$0.closing }, deadline: deadline) { _ in }
            case .exit:
                finish()
                return
            }
        }
    }

    /// Writes a batch and settles its waiters; `false` when it failed.
    @discardableResult
    private func write(_ batch: JournalState.Batch) -> Bool {
        let outcome: Result<[RunID: Int64], SQLiteError>
        do throws(SQLiteError) {
            outcome = .success(try perform(batch))
        } catch {
            outcome = .failure(error)
        }
        let now = Date()
        var damaged: JournalFileIdentity?
        if case .failure(let error) = outcome, error.isCorrupt { damaged = JournalFileIdentity(path: path) }
        let (waiters, health, changed, notices) = state.withLock { s in
            s.writing = false
            let before = s.health
            let waiters: [CheckedContinuation<SQLiteError?, Never>]
            let instant = monotonicNanoseconds()
            switch outcome {
            case .success(let rowIds):
                waiters = s.committed(batch, rowIds: rowIds, since: now, now: instant)
                for command in batch.commands { command.committed(&s) }
                if batch.recover { s.recoveryPending = false }
            case .failure(let error):
                waiters = s.failed(batch, error: error, file: damaged, retryAt: instant &+ options.retryInterval.nanoseconds,
                                   since: now, now: instant)
                s.remindOfOutage(now: instant, interval: options.outageReminderInterval.nanoseconds)
            }
            return (waiters, s.health, before.isHealthy != s.health.isHealthy || before.reason != s.health.reason, s.takeNotices())
        }
        let error: SQLiteError? = if case .failure(let failure) = outcome { failure } else { nil }
        if let error {  // reopen on the next attempt: the file may have been fixed or replaced
            if error.isCorrupt { connection?.skipCheckpointOnClose() }
            connection = nil
        }
        for command in batch.commands { command.finished(error) }
        for waiter in waiters { waiter.resume(returning: error) }
        for notice in notices { notice.log(to: logger, path: path) }
        if changed { healthChanged(health) }
        return error == nil
    }

    /// Writes one batch in one transaction; returns the row ids of the runs written.
    private func perform(_ batch: JournalState.Batch) throws(SQLiteError) -> [RunID: Int64] {
        let connection = try open()
        let limit = pageLimit.load(ordering: .relaxed)
        if limit != appliedPageLimit {
            try connection.execute("PRAGMA max_page_count = \(limit == 0 ? 4_294_967_294 : limit)")
            appliedPageLimit = limit
        }
        return try connection.writeTransaction { () throws(SQLiteError) -> [RunID: Int64] in
            if batch.recover {
                _ = try JournalRecovery.crashRunning(on: connection, except: batch.owned, reason: "supervisor restart", at: Date())
            }
            var rowIds: [RunID: Int64] = [:]
            let upsert = try connection.statement(RunRow.upsert + " RETURNING id")
            let findRow = try connection.statement("SELECT id FROM runs WHERE run_id = ?")
            let insertLine = try connection.statement(
                "INSERT OR IGNORE INTO run_log (run, line, time, level, source, text) VALUES (?, ?, ?, ?, ?, ?)")
            for write in batch.runs {
                var rowId = write.rowId
                if let record = write.record {
                    rowId = try upsert.first(RunRow.values(record)) { $0.int64(0) }
                    if write.writeSteps, let rowId { try writeSteps(record.steps, rowId, on: connection) }
                } else if rowId == nil {
                    rowId = try findRow.first([.text(write.runId.rawValue)]) { $0.int64(0) }
                }
                guard let rowId else { continue }
                rowIds[write.runId] = rowId
                for line in write.lines {
                    try insertLine.run([.integer(rowId), .integer(Int64(line.offset)), .integer(line.time.journalMilliseconds),
                                        .text(line.level.name), .text(line.source.name), .text(line.text)])
                }
            }
            let saveState = try connection.statement("""
                INSERT INTO job_state (job_id, enabled, last_fired, schedule_override, revision) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (job_id) DO UPDATE SET enabled = excluded.enabled, last_fired = excluded.last_fired,
                    schedule_override = excluded.schedule_override, revision = excluded.revision
                """)
            for definition in batch.definitions {
                try saveState.run([.text(definition.jobId.rawValue), .integer(definition.isEnabled.map { $0 ? 1 : 0 }),
                                   .integer(definition.lastFired?.journalMilliseconds),
                                   .text(definition.scheduleOverride?.jsonText), .text(definition.revision)])
            }
            if batch.probe {
                try connection.statement("INSERT OR REPLACE INTO meta (key, value) VALUES ('heartbeat', ?)")
                    .run([.text(String(Date().journalMilliseconds))])
            }
            for command in batch.commands { try command.body(connection, batch.owned) }
            return rowIds
        }
    }

    private func writeSteps(_ steps: [String], _ rowId: Int64, on connection: SQLiteConnection) throws(SQLiteError) {
        try connection.statement("DELETE FROM run_steps WHERE run = ?").run([.integer(rowId)])
        let insert = try connection.statement("INSERT INTO run_steps (run, position, name) VALUES (?, ?, ?)")
        for (position, name) in steps.enumerated() {
            try insert.run([.integer(rowId), .integer(Int64(position)), .text(name)])
        }
    }

    /// The connection, opening the file (and taking the writer lock) when needed. A file found
    /// corrupt (here or by a read) is let go of and not opened again while the path names it.
    private func open() throws(SQLiteError) -> SQLiteConnection {
        if let corruption = state.withLock({ $0.corruption }) {
            connection?.skipCheckpointOnClose()
            connection = nil
            checkedFile = nil  // whatever comes next at the path is checked before it is written
            if let current = JournalFileIdentity(path: path), current.isUnchanged(since: corruption.file) {
                throw corruption.error
            }
        }
        if let connection { return connection }
        try JournalFile.prepareDirectory(for: path, isPrivate: options.privateDirectory)
        if lock == nil { lock = try JournalLock(journalPath: path) }
        try JournalFile.createIfMissing(path)
        let connection = try SQLiteConnection(path: path, readOnly: false, create: true, busyTimeout: options.busyTimeout)
        try checkIntegrity(connection)
        try JournalSchema.prepareForWriting(connection)
        self.connection = connection
        appliedPageLimit = 0
        return connection
    }

    /// Runs `PRAGMA quick_check` on a file not checked yet (before anything is written to it);
    /// a sound file ends a corruption found in the one it replaced.
    private func checkIntegrity(_ connection: SQLiteConnection) throws(SQLiteError) {
        guard let file = JournalFileIdentity(path: path), !file.isSameFile(as: checkedFile) else { return }
        if file.size > JournalIntegrity.quickCheckLimit {
            logger.notice("the journal is too large to check at open; damage in it shows when it is read",
                          metadata: ["path": path, "bytes": "\(file.size)"])
        } else {
            do throws(SQLiteError) {
                try JournalIntegrity.quickCheck(connection)
            } catch {
                connection.skipCheckpointOnClose()  // not even the WAL a crash left is copied into it
                throw error
            }
        }
        checkedFile = file
        state.withLock { $0.corruption = nil }
    }

    /// Answers what is still waiting (durability waiters, commands, log followers) with "closed",
    /// flushes the WAL into the file and lets go of it (the `-wal` and `-shm` files go with the
    /// last connection), then tells ``SQLiteRunStore/close()`` it is done.
    private func finish() {
        let (waiters, commands, followers) = state.withLock { s in
            s.writerDone = true
            defer {
                s.durableWaiters = []
                s.commands = []
                s.logWaiters = [:]
            }
            return (s.durableWaiters.map(\.continuation), s.commands, s.logWaiters.values.map(\.continuation))
        }
        for waiter in waiters { waiter.resume(returning: JournalState.closed) }
        for command in commands { command.finished(JournalState.closed) }
        for follower in followers { follower.resume() }
        if let connection { _ = try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        connection = nil
        lock = nil
        let closers = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.writerFinished = true
            defer { s.closeWaiters = [] }
            return s.closeWaiters
        }
        for closer in closers { closer.resume() }
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to zero for negative durations.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
