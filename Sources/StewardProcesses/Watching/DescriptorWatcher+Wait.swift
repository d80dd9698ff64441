import StewardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension DescriptorWatcher {
    /// Waits without blocking a thread until `fd` is ready for `event`.
    ///
    /// Returns `true` once it is ready (a regular file, which epoll refuses, always is), `false`
    /// once `timeout` passes (`nil`: no limit), when the task is cancelled, or when the descriptor
    /// cannot be watched (e.g. it is closed). Either way the registration is gone before this
    /// returns: the caller, who keeps owning `fd`, may close it at once.
    public func wait(_ fd: Int32, for event: Event, timeout: Duration? = nil) async -> Bool {
        if Task.isCancelled { return false }
        let deadline = timeout.map { ContinuousClock.now + max(.zero, $0) }
        let pending = PendingWait()
        let registration = Mutex<Registration?>(nil)
        let ready = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                guard pending.install(continuation) else { return }  // cancelled already
                do throws(SystemError) {
                    let added = try add(fd, for: event, mode: .once, deadline: deadline) { outcome in
                        pending.finish(outcome == .ready)
                    }
                    registration.withLock { $0 = added }
                } catch {
                    pending.finish(error.code == EPERM)
                }
            }
        } onCancel: {
            pending.finish(false)
        }
        // A fired registration is already gone; a cancelled one is removed here, synchronously.
        if let added = registration.withLock({ $0 }) { remove(added) }
        return ready
    }
}

/// The continuation of one ``DescriptorWatcher/wait(_:for:timeout:)``, resumed exactly once by
/// whichever comes first: the watcher's callback, the cancellation handler, or a failure.
private final class PendingWait: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Bool, Never>?
        var result: Bool?
    }

    private let state = Mutex(State())

    /// Stores the continuation; resumes it at once (and returns `false`) if a result came first.
    func install(_ continuation: CheckedContinuation<Bool, Never>) -> Bool {
        let early = state.withLock { s -> Bool? in
            if let result = s.result { return result }
            s.continuation = continuation
            return nil
        }
        guard let early else { return true }
        continuation.resume(returning: early)
        return false
    }

    /// Delivers the result (only the first one counts).
    func finish(_ value: Bool) {
        let continuation = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard s.result == nil else { return nil }
            s.result = value
            defer { s.continuation = nil }
            return s.continuation
        }
        continuation?.resume(returning: value)
    }
}
