import StewardCore
import Synchronization

/// A started child: its pid, and its exit status once the reaper collects it.
public final class ChildProcessHandle: Sendable {
    /// The child's process id (also its process-group id unless spawned with ``SpawnRequest/Grouping/inherit``).
    public let pid: Int32
    private let exit = Latch()
    private let status = Mutex<ExitStatus?>(nil)
    private let reaper: Reaper
    private let stopObserver = Mutex<(@Sendable (Int32) -> Void)?>(nil)

    init(pid: Int32, reaper: Reaper) {
        self.pid = pid
        self.reaper = reaper
    }

    /// Sends `number` to the child (`toGroup`: to its process group, whose id is the child's pid)
    /// unless it has been reaped: never to a pid the kernel may have given to another process
    /// since. Returns whether the signal was sent.
    @discardableResult
    public func signal(_ number: Int32, toGroup: Bool) -> Bool {
        reaper.signal(self, number, toGroup: toGroup)
    }

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

    /// Calls `action` with the signal each time the child is stopped by one (SIGTSTP, SIGTTIN,
    /// SIGTTOU, SIGSTOP), on the reaper's thread; it must not block for long. Replaces any
    /// earlier observer.
    public func onStop(_ action: @escaping @Sendable (Int32) -> Void) {
        stopObserver.withLock { $0 = action }
    }

    func stopped(by signal: Int32) {
        stopObserver.withLock { $0 }?(signal)
    }

    func complete(_ value: ExitStatus) {
        status.withLock { $0 = value }
        exit.fire()
    }
}
