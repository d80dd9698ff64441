import StewardCore
import Synchronization

/// A started child: its pid, and its exit status once the reaper collects it.
public final class ChildProcessHandle: Sendable {
    /// The child's process id (also its process-group id unless spawned with ``SpawnRequest/Grouping/inherit``).
    public let pid: Int32
    private let exit = Latch()
    private let status = Mutex<ExitStatus?>(nil)

    init(pid: Int32) { self.pid = pid }

    /// The exit status, once the child has been reaped.
    public var exitStatus: ExitStatus? { status.withLock { $0 } }

    /// Returns the exit status once the child has been reaped; `nil` if the calling task was
    /// cancelled first (the child is unaffected).
    public func waitForExit() async -> ExitStatus? {
        await exit.wait()
        return exitStatus
    }

    /// Calls `action` once the child has exited (at once if it already has).
    public func onExit(_ action: @escaping @Sendable (ExitStatus) -> Void) {
        exit.observe { [self] in
            if let value = exitStatus { action(value) }
        }
    }

    func complete(_ value: ExitStatus) {
        status.withLock { $0 = value }
        exit.fire()
    }
}
