import StewardCore
import Synchronization

/// The write side of one run's journal entries: log lines are batched, progress and record
/// updates coalesced (only the latest of each is written), and everything is written in order by
/// one drain task at a time, so `log` and `reportProgress` never wait for storage.
///
/// ``flush()`` waits until everything queued is written; ``close()`` drops later writes (an
/// abandoned job still logging after its run was recorded `killed`). Store failures are logged
/// and never thrown: the journal degrades, the run goes on.
final class RunJournal: Sendable {
    private struct State {
        var lines: [RunLogEntry] = []
        var progress: RunProgress?
        var record: RunRecord?
        var draining = false
        var closed = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let runId: RunID
    private let store: any RunStore
    private let logger: Logger
    private let state = Mutex(State())

    init(runId: RunID, store: any RunStore, logger: Logger) {
        self.runId = runId
        self.store = store
        self.logger = logger
    }

    /// Queues a log line.
    func append(_ entry: RunLogEntry) {
        enqueue { $0.lines.append(entry) }
    }

    /// Queues several log lines (one batch of a command's output).
    func append(contentsOf entries: [RunLogEntry]) {
        guard !entries.isEmpty else { return }
        enqueue { $0.lines.append(contentsOf: entries) }
    }

    /// Queues a progress value, replacing one not yet written.
    func progress(_ progress: RunProgress) {
        enqueue { $0.progress = progress }
    }

    /// Queues a whole-record update (steps, last completed step), replacing one not yet written.
    /// The record carries the run's latest progress, so a queued progress value is dropped.
    func update(_ record: RunRecord) {
        enqueue { s in
            s.record = record
            s.progress = nil
        }
    }

    /// Returns once everything queued so far is written (or failed to be).
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { s -> Bool in
                if !s.draining { return true }
                s.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Drops everything queued later. Call after ``flush()`` once the run's final record is written.
    func close() {
        state.withLock { s in
            s.closed = true
            s.lines = []
            s.progress = nil
            s.record = nil
        }
    }

    private func enqueue(_ change: (inout State) -> Void) {
        let startDrain = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            change(&s)
            guard !s.draining else { return false }
            s.draining = true
            return true
        }
        if startDrain { Task { await drain() } }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { s -> (lines: [RunLogEntry], progress: RunProgress?, record: RunRecord?)? in
                if s.lines.isEmpty && s.progress == nil && s.record == nil {
                    s.draining = false
                    return nil
                }
                defer { s.lines = []; s.progress = nil; s.record = nil }
                return (s.lines, s.progress, s.record)
            }
            guard let batch else { break }
            do throws(RunStoreError) {
                if let record = batch.record { try await store.updateRun(record) }
                if !batch.lines.isEmpty { try await store.appendLog(runId, batch.lines) }
                if let progress = batch.progress { try await store.updateProgress(runId, progress) }
            } catch {
                logger.log(error.logLevel, "journal write failed", metadata: ["run": runId.rawValue, "error": "\(error)"])
            }
        }
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.draining else { return [] }  // a new drain started meanwhile; it will wake them
            defer { s.idleWaiters = [] }
            return s.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
