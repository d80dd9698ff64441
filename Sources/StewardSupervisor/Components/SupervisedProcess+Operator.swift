import StewardCore
import StewardProcesses
#if canImport(Glibc)
import Glibc
#endif

/// Why an operator's action on a process could not be done.
public struct ProcessControlError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    /// `steward stop` on a process an operator already stopped.
    public static func alreadyStopped(_ name: String) -> ProcessControlError {
        ProcessControlError(description: "\(name) is already stopped")
    }
    /// `steward start` on a process that is not held stopped.
    public static func notStopped(_ name: String) -> ProcessControlError {
        ProcessControlError(description: "\(name) is not stopped (use restart to restart it)")
    }
    /// No process has that name.
    public static func unknown(_ name: String, known: [String]) -> ProcessControlError {
        ProcessControlError(description: "no process named \"\(name)\"" + (known.isEmpty ? "" : " (processes: \(known.joined(separator: ", ")))"))
    }
    /// A oneshot cannot be stopped, started or signalled once its group is up.
    public static func oneshot(_ name: String) -> ProcessControlError {
        ProcessControlError(description: "\(name) is a oneshot; it runs once at startup")
    }
    /// `steward stop` on a process that ended for good (failed or exited).
    public static func notRunning(_ name: String, state: String) -> ProcessControlError {
        ProcessControlError(description: "\(name) is not running (\(state))")
    }
    /// `steward signal` while no child runs.
    public static func notRunning(_ name: String) -> ProcessControlError {
        ProcessControlError(description: "\(name) has no running child")
    }
}

/// What an operator can do to one process (`steward stop|start|restart|signal NAME`). These act
/// on the child, not on the runner's component: the component's `run` keeps going, so an
/// operator's stop is never a failure, a restart never counts toward the restart limit, and
/// stopping every process does not end steward.
extension SupervisedProcess {
    /// Stops the child (stop signal to its group, SIGKILL after ``stopTimeout``) and keeps it
    /// down until ``startByOperator()``; its readiness turns unhealthy ("stopped by operator").
    /// Returns once the child is gone.
    /// - Throws: ``ProcessControlError/alreadyStopped(_:)`` if it is held already.
    public func stopByOperator() async throws(ProcessControlError) {
        let (handle, hold) = try record.withLock { r throws(ProcessControlError) -> (ChildProcessHandle?, Latch) in
            guard r.held == nil else { throw .alreadyStopped(name) }
            let hold = Latch()
            r.held = hold
            let handle = current.handle
            if handle != nil { r.operatorExitPending = true }
            return (handle, hold)
        }
        guard let handle else { return }
        let status = await terminateDetached(handle)
        // Still held by this stop (no `start` came meanwhile): no new child can have started, so
        // the record can say at once how this one ended.
        record.withLock { r in if r.held === hold { r.exited(status) } }
    }

    /// Starts a child an operator stopped. Returns at once; the child starts as on a restart.
    /// - Throws: ``ProcessControlError/notStopped(_:)`` if no operator stopped it.
    public func startByOperator() throws(ProcessControlError) {
        let held = record.withLock { r -> Latch? in
            defer { r.held = nil }
            return r.held
        }
        guard let held else { throw .notStopped(name) }
        held.fire()
    }

    /// Stops the running child and starts a new one at once, whatever the restart policy (the
    /// runner's restart count and backoff are untouched). A held process is started instead.
    /// Returns once the old child is gone.
    public func restartByOperator() async {
        if (try? startByOperator()) != nil { return }
        let handle = record.withLock { r -> ChildProcessHandle? in
            let handle = current.handle
            if handle != nil { r.operatorExitPending = true }
            return handle
        }
        if let handle { _ = await terminateDetached(handle) }
    }

    /// The termination, in a task of its own: the operator's request (an HTTP handler) being
    /// cancelled — the client went away — must not cut the child's grace period short.
    private func terminateDetached(_ handle: ChildProcessHandle) async -> ExitStatus {
        let termination = self.termination
        return await Task { await termination.terminate(handle) }.value
    }

    /// Sends `signal` to the child itself (not its group: `HUP` for a master process should not
    /// reach its workers).
    /// - Throws: ``ProcessControlError/notRunning(_:)`` when no child runs.
    public func signalByOperator(_ signal: Int32) throws(ProcessControlError) {
        guard let handle = current.handle, handle.signal(signal, toGroup: false) else { throw .notRunning(name) }
    }
}
