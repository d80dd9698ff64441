import Synchronization

/// A value settled once, by whichever of several racers gets there first; any number of tasks
/// can await it. Used for the start decision of a run and for "first of work, stop, timeout".
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [CheckedContinuation<Value, Never>] = []
        var observers: [@Sendable (Value) -> Void] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Settles the value; returns whether this call did (later calls are ignored).
    @discardableResult
    func resolve(_ value: Value) -> Bool {
        let woken = state.withLock { s -> (waiters: [CheckedContinuation<Value, Never>], observers: [@Sendable (Value) -> Void])? in
            guard s.value == nil else { return nil }
            s.value = value
            defer { s.waiters = []; s.observers = [] }
            return (s.waiters, s.observers)
        }
        guard let woken else { return false }
        for waiter in woken.waiters { waiter.resume(returning: value) }
        for observer in woken.observers { observer(value) }
        return true
    }

    /// Calls `action` with the value once settled (at once, on this thread, if it already is).
    func onResolve(_ action: @escaping @Sendable (Value) -> Void) {
        let ready = state.withLock { s -> Value? in
            if let value = s.value { return value }
            s.observers.append(action)
            return nil
        }
        if let ready { action(ready) }
    }

    /// The value if settled.
    var current: Value? { state.withLock { $0.value } }

    /// Returns the value once settled, whatever happens to the calling task.
    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { s -> Value? in
                if let value = s.value { return value }
                s.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
