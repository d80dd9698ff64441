import Synchronization

/// A one-shot event: fires once, remembers that it fired, and wakes every waiter and observer.
///
/// Waiting is event-driven (no polling) and cancellable: a cancelled waiter returns early and the
/// caller checks ``isFired``.
package final class Latch: Sendable {
    private struct State {
        var fired = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var observers: [UInt64: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// Whether ``fire()`` has been called.
    package var isFired: Bool { state.withLock { $0.fired } }

    /// Fires the latch. Returns `true` for the call that fired it, `false` if it had already fired.
    @discardableResult
    package func fire() -> Bool {
        let woken: (waiters: [CheckedContinuation<Void, Never>], observers: [@Sendable () -> Void])? = state.withLock { s in
            guard !s.fired else { return nil }
            s.fired = true
            defer { s.waiters = [:]; s.observers = [:] }
            return (Array(s.waiters.values), Array(s.observers.values))
        }
        guard let woken else { return false }
        for waiter in woken.waiters { waiter.resume() }
        for observer in woken.observers { observer() }
        return true
    }

    /// Calls `action` once when the latch fires (at once, on this thread, if it already has).
    /// Returns a token for ``removeObserver(_:)``, or `nil` if `action` already ran.
    @discardableResult
    package func observe(_ action: @escaping @Sendable () -> Void) -> UInt64? {
        let token: UInt64? = state.withLock { s in
            guard !s.fired else { return nil }
            s.nextID += 1
            s.observers[s.nextID] = action
            return s.nextID
        }
        if token == nil { action() }
        return token
    }

    /// Forgets an observer registered with ``observe(_:)``; a no-op if it ran or was removed.
    package func removeObserver(_ token: UInt64?) {
        guard let token else { return }
        _ = state.withLock { $0.observers.removeValue(forKey: token) }
    }

    /// Returns when the latch fires, whatever happens to the calling task.
    package func waitIgnoringCancellation() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            observe { continuation.resume() }
        }
    }

    /// Returns when the latch fires or the calling task is cancelled, whichever comes first.
    package func wait() async {
        let id: UInt64? = state.withLock { s in
            guard !s.fired else { return nil }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.fired || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
