#if canImport(Glibc)
import Glibc
#endif

/// How a child is stopped: the stop signal to its process group, a grace period of
/// ``stopTimeout``, then SIGKILL; done once the reaper has collected it.
///
/// The one termination path: an operator's stop or restart, a liveness or readiness check giving
/// up, an exec probe's timeout, a stop that meets a child spawned a moment later — each goes
/// through ``terminate(_:)``, so none can send only the polite signal and leave a child that
/// ignores it running for good. (The runner's shutdown reaches the same SIGKILL through the
/// cancellation of `run`, after the same `stopTimeout`.)
public struct Termination: Sendable, Equatable {
    /// The signal sent first (the config's `stopSignal`). Default SIGTERM.
    public var stopSignal: Int32
    /// The grace period between the stop signal and SIGKILL (the config's `stopTimeout`); zero
    /// kills at once.
    public var stopTimeout: Duration
    /// Whether signals go to the child's process group (the default) or to the child alone (when
    /// it shares steward's group).
    public var grouping: SpawnRequest.Grouping

    /// Creates a termination; defaults as documented on each property.
    public init(stopSignal: Int32 = SIGTERM, stopTimeout: Duration = .seconds(10), grouping: SpawnRequest.Grouping = .processGroup) {
        self.stopSignal = stopSignal
        self.stopTimeout = stopTimeout
        self.grouping = grouping
    }

    /// Stops `handle`'s child and returns its exit status once the reaper collected it. A child
    /// that already exited returns at once. Cancelling the calling task cuts the grace period
    /// short (SIGKILL at once) but still waits for the reap, so no child outlives this call.
    @discardableResult
    public func terminate(_ handle: ChildProcessHandle) async -> ExitStatus {
        if let status = handle.exitStatus { return status }
        let toGroup = grouping != .inherit
        if stopTimeout <= .zero || Task.isCancelled {
            handle.signal(SIGKILL, toGroup: toGroup)
        } else {
            handle.signal(stopSignal, toGroup: toGroup)
        }
        let escalation = Task { [stopTimeout] in
            // Cancelled (the child exited, or the caller was cancelled): SIGKILL only in the latter case.
            _ = try? await Task.sleep(for: stopTimeout)
            handle.signal(SIGKILL, toGroup: toGroup)
        }
        let status = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ExitStatus, Never>) in
                handle.onExit { continuation.resume(returning: $0) }
            }
        } onCancel: {
            escalation.cancel()
        }
        escalation.cancel()  // after the reap its SIGKILL finds no child and sends nothing
        return status
    }
}
