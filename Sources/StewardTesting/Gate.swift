import Synchronization

/// A gate a test opens by hand, to hold a component at a chosen point (`await gate.wait()` in its
/// `initialize`, `run` or `stop`) and release it when the test is ready.
///
/// Waiting ignores task cancellation on purpose: it models a component that does not cooperate,
/// which is what timeouts and forced shutdowns are tested against. Opening is final; waits after
/// that return at once.
public final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Creates a closed gate.
    public init() {}

    /// Whether the gate has been opened.
    public var isOpen: Bool { state.withLock { $0.open } }

    /// Opens the gate: every waiter resumes, and later waits return at once.
    public func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the gate is open (whatever happens to the calling task meanwhile).
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isOpen = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if isOpen { continuation.resume() }
        }
    }
}
