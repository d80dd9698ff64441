import Synchronization

/// Resumes one waiter after `count` calls to ``tick()``. Used to learn that every `run` task of a
/// group has begun without a latch per task.
final class Countdown: Sendable {
    private let state: Mutex<(remaining: Int, waiter: CheckedContinuation<Void, Never>?)>
    private let atZero: (@Sendable () -> Void)?

    /// A countdown from `count`; `atZero` is called by the last tick (on its thread), before the
    /// waiter is resumed.
    init(_ count: Int, atZero: (@Sendable () -> Void)? = nil) {
        state = Mutex((count, nil))
        self.atZero = atZero
    }

    func tick() {
        var zero = false
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.remaining -= 1
            guard s.remaining == 0 else { return nil }
            zero = true
            defer { s.waiter = nil }
            return s.waiter
        }
        if zero { atZero?() }
        waiter?.resume()
    }

    /// Returns once the count reached zero (at once if it already has).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.remaining <= 0 { return true }
                s.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }
}
