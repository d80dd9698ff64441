import StewardCore

/// `steward start|stop|restart NAME`: what an operator asks, decided on the process's whole
/// state, not only on its child.
///
/// | state | stop | start | restart |
/// |---|---|---|---|
/// | running | held down (stop signal, SIGKILL after `stopTimeout`) | refused: already running | child replaced at once |
/// | backing off | held down (the pending restart waits) | a fresh start now | a fresh start now |
/// | failed or exited for good | refused: not running | a fresh start | a fresh start |
/// | held by an operator | refused: already stopped | released | released |
///
/// A fresh start replaces the component (as a reload of that one process would): its restart
/// count and backoff begin again. None of these is a failure or ends steward.
extension Supervisor {
    /// Holds `name` down until ``start(_:)``.
    public func stop(_ name: String) async throws(ProcessControlError) -> String {
        let process = try self.process(name)
        switch componentStatus(name) {
        case let status? where [.failed, .exited, .failedInit, .finalized].contains(status):
            throw .notRunning(name, state: "\(status)")
        default:
            try await process.stopByOperator()
            return "\(name) stopped"
        }
    }

    /// Starts `name` if an operator held it down, or afresh if it ended or waits for a restart.
    public func start(_ name: String) async throws(ProcessControlError) -> String {
        let process = try self.process(name)
        if process.snapshot.heldByOperator {
            try process.startByOperator()
            return "\(name) starting"
        }
        switch componentStatus(name) {
        case .running?, .stopping?, .initializing?, .registered?, .injected?, .initialized?:
            throw .notStopped(name)
        default:
            try await replace(name)
            return "\(name) starting"
        }
    }

    /// Restarts `name` now, whatever its state and restart policy.
    public func restart(_ name: String) async throws(ProcessControlError) -> String {
        let process = try self.process(name)
        if process.snapshot.heldByOperator {
            try process.startByOperator()
            return "\(name) starting"
        }
        if componentStatus(name) == .running, process.pid != nil {
            await process.restartByOperator()
            return "\(name) restarted"
        }
        try await replace(name)
        return "\(name) restarted"
    }

    private func componentStatus(_ name: String) -> ComponentStatus? {
        lifecycle.components.first { $0.name == name }?.status
    }

    private func replace(_ name: String) async throws(ProcessControlError) {
        if let problem = await reloads.replace(name, supervisor: self) {
            throw ProcessControlError(description: "\(name) could not be started: \(problem)")
        }
    }
}
