import StewardCore
import Synchronization

/// Persists per-definition state (enabled flag, last fired instant) in submission order, one
/// write at a time, coalescing per job: only the newest state of a job is written. ``submit(_:)``
/// is called under the scheduler's lock, so the order of submissions is the order of changes.
///
/// A submission that only records fire progress (``submit(_:progressOnly:)``) is written to a
/// shared journal as the last fired instant alone, so that a node's fires never undo a runtime
/// change another node made meanwhile.
final class DefinitionStateWriter: Sendable {
    private struct State {
        var pending: [JobID: (state: JobDefinitionState, progressOnly: Bool)] = [:]
        var order: [JobID] = []
        var draining = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let store: any RunStore
    private let logger: Logger
    private let state = Mutex(State())

    init(store: any RunStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Queues `definitionState`, replacing an unwritten one of the same job (a pending full write
    /// stays full when only progress follows).
    func submit(_ definitionState: JobDefinitionState, progressOnly: Bool = false) {
        let startDrain = state.withLock { s -> Bool in
            let jobId = definitionState.jobId
            if let pending = s.pending[jobId] {
                s.pending[jobId] = (definitionState, progressOnly && pending.progressOnly)
            } else {
                s.pending[jobId] = (definitionState, progressOnly)
                s.order.append(jobId)
            }
            guard !s.draining else { return false }
            s.draining = true
            return true
        }
        if startDrain { Task { await drain() } }
    }

    /// Returns once everything submitted so far is written (or failed to be).
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

    private func drain() async {
        while true {
            let next = state.withLock { s -> (state: JobDefinitionState, progressOnly: Bool)? in
                guard !s.order.isEmpty else {
                    s.draining = false
                    return nil
                }
                let jobId = s.order.removeFirst()
                return s.pending.removeValue(forKey: jobId)
            }
            guard let next else { break }
            do throws(RunStoreError) {
                if next.progressOnly, let shared = store as? any SharedRunStore, let fired = next.state.lastFired {
                    try await shared.saveLastFired(next.state.jobId, fired)
                } else {
                    try await store.saveDefinitionState(next.state)
                }
            } catch {
                logger.log(error.logLevel, "cannot persist job state", metadata: ["job": next.state.jobId.rawValue, "error": "\(error)"])
            }
        }
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.draining else { return [] }
            defer { s.idleWaiters = [] }
            return s.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
