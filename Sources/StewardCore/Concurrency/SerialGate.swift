import Synchronization

/// Runs async bodies one at a time, first come first served: what an actor does not do, since an
/// actor lets a second call in whenever the first awaits. For operations that read state, await,
/// and then write what they read (a reload comparing the config with what runs).
package final class SerialGate: Sendable {
    private struct State {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Creates an open gate.
    package init() {}

    /// Runs `body` once every body that entered before it has finished.
    package func run<Result: Sendable>(_ body: @Sendable () async -> Result) async -> Result {
        await enter()
        defer { leave() }
        return await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let enteredNow = state.withLock { s -> Bool in
                if s.busy {
                    s.waiters.append(continuation)
                    return false
                }
                s.busy = true
                return true
            }
            if enteredNow { continuation.resume() }
        }
    }

    private func leave() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.waiters.isEmpty else {
                s.busy = false
                return nil
            }
            return s.waiters.removeFirst()  // stays busy: handed over
        }
        next?.resume()
    }
}
