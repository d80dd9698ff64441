import StewardJobs
import Synchronization

/// The final state of each run, as the scheduler that ran it announces it (after its final record
/// is durable), and the triggers waiting for it. A run may end before its trigger waits for it
/// (another node claimed and finished it at once): its state is kept until asked for.
final class Finals: Sendable {
    private struct State {
        var waiters: [RunID: CheckedContinuation<RunState, Never>] = [:]
        var ended: [RunID: RunState] = [:]
    }
    private let state = Mutex(State())

    /// Records a final record `record` (anything else is ignored) and wakes its waiter.
    func observe(_ record: RunRecord) {
        guard record.state.isFinal else { return }
        let waiter = state.withLock { s -> CheckedContinuation<RunState, Never>? in
            if let waiter = s.waiters.removeValue(forKey: record.runId) { return waiter }
            s.ended[record.runId] = record.state
            return nil
        }
        waiter?.resume(returning: record.state)
    }

    /// Waits until `runId` is final; returns its state.
    func wait(_ runId: RunID) async -> RunState {
        await withCheckedContinuation { (continuation: CheckedContinuation<RunState, Never>) in
            let ended = state.withLock { s -> RunState? in
                if let ended = s.ended.removeValue(forKey: runId) { return ended }
                s.waiters[runId] = continuation
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Follows every final record `scheduler` announces, until the scheduler shuts down.
    func follow(_ scheduler: JobScheduler) -> Task<Void, Never> {
        let changes = scheduler.runChanges(bufferingPolicy: .unbounded)
        return Task { for await record in changes { self.observe(record) } }
    }
}
