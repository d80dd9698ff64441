import Synchronization

/// Counts the members of a fan-out as they finish: calls `onFailure` at the first failure (so
/// siblings are aborted without waiting for the slowest) and resumes its one waiter with whether
/// all succeeded once every member has finished.
final class Tally: Sendable {
    private struct State {
        var remaining: Int
        var allSucceeded = true
        var waiter: CheckedContinuation<Bool, Never>?
    }

    private let state: Mutex<State>
    private let onFailure: @Sendable () -> Void

    init(_ count: Int, onFailure: @escaping @Sendable () -> Void) {
        state = Mutex(State(remaining: count))
        self.onFailure = onFailure
    }

    /// One member finished.
    func finish(_ succeeded: Bool) {
        let (firstFailure, waiter, result) = state.withLock { s -> (Bool, CheckedContinuation<Bool, Never>?, Bool) in
            let firstFailure = !succeeded && s.allSucceeded
            if !succeeded { s.allSucceeded = false }
            s.remaining -= 1
            guard s.remaining == 0 else { return (firstFailure, nil, false) }
            defer { s.waiter = nil }
            return (firstFailure, s.waiter, s.allSucceeded)
        }
        if firstFailure { onFailure() }
        waiter?.resume(returning: result)
    }

    /// Returns, once every member finished, whether all succeeded.
    func wait() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let done = state.withLock { s -> Bool? in
                if s.remaining <= 0 { return s.allSucceeded }
                s.waiter = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
