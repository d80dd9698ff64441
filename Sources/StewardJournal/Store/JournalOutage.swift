import StewardCore

/// A time the journal could not be written, as the log tells it: one warning when it starts, at
/// most one reminder per ``JournalOptions/outageReminderInterval`` while it lasts (with what waits
/// in memory and what was dropped), and one notice when it ends (with what was kept and written,
/// and what was dropped). A new reason while it lasts (locked, then disk full) shows in the next
/// reminder and in ``JournalHealth`` at once; a corrupt file is said at once, since nothing more
/// is written to it.
///
/// This is the one account of an outage: the writer retries every second and every durable write
/// fails while it lasts, so logging failures as they come gave several warnings per job run. The
/// errors the store throws meanwhile say they were announced (``StewardJobs/RunStoreError/isAnnounced``),
/// and the scheduler logs them at debug level only.
struct JournalOutage {
    /// What to log, queued under the state's lock and logged once it is released.
    enum Notice: Equatable {
        /// It started, or turned out to be a corrupt file (which changes what happens: said at once).
        case started(reason: String, corrupt: Bool)
        case reminder(reason: String, downFor: Duration, recordsWaiting: Int, linesWaiting: Int, linesDropped: Int)
        case ended(downFor: Duration, recordsWritten: Int, linesWritten: Int, linesDropped: Int)
    }

    /// When it started, and when it was last logged (monotonic ns).
    let startedAt: UInt64
    var loggedAt: UInt64
    /// ``JournalState/droppedLines`` when it started, so its notices count its own drops.
    let droppedBefore: Int
    /// Whether it is a corrupt file (see `JournalIntegrity`).
    var corrupt: Bool

    /// What is logged when the file is found corrupt.
    static let corruptMessage = "the journal file is corrupt; nothing more is written to it, jobs go on and their records wait in memory"

    /// The time from its start to `now`, to the millisecond.
    func length(at now: UInt64) -> Duration {
        .milliseconds(Int64((max(now, startedAt) - startedAt) / 1_000_000))
    }
}

extension JournalOutage.Notice {
    /// Writes the notice to `logger`.
    func log(to logger: Logger, path: String) {
        switch self {
        case .started(let reason, let corrupt):
            logger.warning(corrupt ? JournalOutage.corruptMessage : "the journal cannot be written; jobs go on, their records wait in memory",
                           metadata: ["path": path, "reason": reason])
        case .reminder(let reason, let downFor, let recordsWaiting, let linesWaiting, let linesDropped):
            logger.warning("the journal still cannot be written",
                           metadata: ["path": path, "reason": reason, "down_for": downFor.compactDescription,
                                      "records_waiting": "\(recordsWaiting)", "lines_waiting": "\(linesWaiting)",
                                      "lines_dropped": "\(linesDropped)"])
        case .ended(let downFor, let recordsWritten, let linesWritten, let linesDropped):
            logger.notice("the journal is written again",
                          metadata: ["path": path, "down_for": downFor.compactDescription, "records_written": "\(recordsWritten)",
                                     "lines_written": "\(linesWritten)", "lines_dropped": "\(linesDropped)"])
        }
    }
}

extension JournalState {
    /// Starts an outage (or notes that it is a corrupt file), queueing its warning.
    mutating func outageStarted(_ error: SQLiteError, reason: String, now: UInt64) {
        guard var outage else {
            outage = JournalOutage(startedAt: now, loggedAt: now, droppedBefore: droppedLines, corrupt: error.isCorrupt)
            notices.append(.started(reason: reason, corrupt: error.isCorrupt))
            return
        }
        guard error.isCorrupt && !outage.corrupt else { return }
        outage.corrupt = true
        outage.loggedAt = now
        self.outage = outage
        notices.append(.started(reason: reason, corrupt: true))
    }

    /// Queues a reminder of the outage when the last word on it is `interval` old.
    mutating func remindOfOutage(now: UInt64, interval: UInt64) {
        guard var outage, !health.isHealthy, now >= outage.loggedAt &+ interval else { return }
        outage.loggedAt = now
        self.outage = outage
        let records = runs.values.count { $0.recordDirty || $0.progressDirty || $0.rowId == nil } + definitions.count
        notices.append(.reminder(reason: health.reason ?? "unknown", downFor: outage.length(at: now), recordsWaiting: records,
                                 linesWaiting: backlog, linesDropped: droppedLines - outage.droppedBefore))
    }

    /// Ends the outage with the first batch written after it (everything held back is in it),
    /// queueing its notice.
    mutating func outageEnded(by batch: Batch, now: UInt64) {
        guard let outage else { return }
        self.outage = nil
        let records = batch.runs.count { $0.record != nil } + batch.definitions.count
        let lines = batch.runs.reduce(0) { $0 + $1.lines.count }
        notices.append(.ended(downFor: outage.length(at: now), recordsWritten: records, linesWritten: lines,
                              linesDropped: droppedLines - outage.droppedBefore))
    }

    /// Takes the queued notices (to log them once the lock is released).
    mutating func takeNotices() -> [JournalOutage.Notice] {
        defer { notices = [] }
        return notices
    }
}
