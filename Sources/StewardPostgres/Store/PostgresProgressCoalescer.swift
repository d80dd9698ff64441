import StewardCore
import StewardJobs
import Synchronization

/// Progress writes of the runs a store runs, coalesced: at most one write per run per interval,
/// the latest value winning. The first report after a quiet interval is written at once; the
/// ones that follow within the interval wait, and only the last of them is written when the
/// interval is over. A finished run's pending value is dropped (its final record carries it).
final class PostgresProgressCoalescer: Sendable {
    private struct Entry {
        var lastWrite: UInt64
        var pending: RunProgress?
        var flushScheduled = false
    }

    /// What to do with a report.
    enum Decision {
        /// Write it now.
        case write
        /// Kept as pending; a flush was scheduled after `delay` (nanoseconds) and must be started.
        case flush(after: UInt64)
        /// Kept as pending; a flush is already scheduled.
        case wait
    }

    let interval: UInt64
    private let entries = Mutex<[RunID: Entry]>([:])

    init(interval: Duration) {
        self.interval = interval.nanoseconds
    }

    /// Records `progress` of `runId` and says what to do.
    func report(_ runId: RunID, _ progress: RunProgress) -> Decision {
        let now = monotonicNanoseconds()
        return entries.withLock { entries in
            guard var entry = entries[runId], now < entry.lastWrite &+ interval || entry.flushScheduled else {
                entries[runId] = Entry(lastWrite: now)
                return .write
            }
            entry.pending = progress
            defer { entries[runId] = entry }
            if entry.flushScheduled { return .wait }
            entry.flushScheduled = true
            return .flush(after: entry.lastWrite &+ interval &- min(now, entry.lastWrite &+ interval))
        }
    }

    /// Takes the pending value for a flush (`nil` when the run finished meanwhile).
    func takePending(_ runId: RunID) -> RunProgress? {
        let now = monotonicNanoseconds()
        return entries.withLock { entries in
            guard var entry = entries[runId] else { return nil }
            let pending = entry.pending
            entry.pending = nil
            entry.flushScheduled = false
            entry.lastWrite = now
            entries[runId] = entry
            return pending
        }
    }

    /// Forgets a run (finished, or no longer this node's).
    func forget(_ runId: RunID) {
        _ = entries.withLock { $0.removeValue(forKey: runId) }
    }
}
