import CStewardSystem
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// The last thing steward does before it exits: every remaining descendant gets SIGTERM, a grace
/// period to clean up, then SIGKILL, and is reaped. tini, dumb-init and supervisord leave this to
/// the kernel's SIGKILL when PID 1 exits, so a grandchild never gets its chance to flush.
public enum FinalSweep {
    /// What the sweep did.
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        /// Processes that got SIGTERM.
        public var terminated: [Int32]
        /// Processes still alive after the grace period, which got SIGKILL.
        public var killed: [Int32]

        public var description: String {
            terminated.isEmpty ? "no process left" : "\(terminated.count) left: SIGTERM, then SIGKILL to \(killed.count)"
        }
    }

    /// Sweeps every descendant of this process (which must be PID 1 or a subreaper for orphans to
    /// count as descendants). Waits at most `grace` after SIGTERM, then at most `grace` again for
    /// the reaper after SIGKILL. Polls `/proc` every 10 ms meanwhile: the sweep runs once, at exit.
    ///
    /// When the reaper finds no child at all (`ECHILD`), `/proc` is not read: every descendant is
    /// a child of ours or has a parent that is, so none can exist. Reading `/proc` costs an open
    /// and read of every process on the machine, most of a quick shutdown.
    ///
    /// `hurry` cuts the grace period short: once it returns `true` (a signal during the sweep), whatever is
    /// left gets SIGKILL at once.
    public static func run(grace: Duration, reaper: Reaper = .shared, logger: Logger? = nil, hurry: @Sendable () -> Bool = { false }) async -> Report {
        guard reaper.reapAll() else { return Report(terminated: [], killed: []) }
        let me = getpid()
        let alive = { ProcessTable.read().descendants(of: me).filter { $0.state != "Z" }.map(\.pid) }
        let first = alive()
        guard !first.isEmpty else {
            reaper.reapAll()
            return Report(terminated: [], killed: [])
        }
        logger?.notice("final sweep: sending SIGTERM to \(first.count) leftover process(es)", metadata: ["pids": first.map(String.init).joined(separator: ",")])
        // SIGTERM goes to the processes present now only: what they fork while cleaning up during
        // the grace period (a `sleep` in a trap) must not be interrupted. Anything still alive
        // after the grace period, newcomers included, gets SIGKILL.
        let handles = ProcessHandles()
        for pid in first { handles.signal(pid, SIGTERM) }
        var remaining = await waitUntilGone(deadline: ContinuousClock.now + grace, reaper: reaper, alive: alive, hurry: hurry) { _ in }
        var killed: [Int32] = []
        if !remaining.isEmpty {
            killed = remaining
            logger?.warning("final sweep: SIGKILL to \(remaining.count) process(es) still running"
                + (hurry() ? "" : " after \(grace.compactDescription)"))
            remaining = await waitUntilGone(deadline: ContinuousClock.now + grace, reaper: reaper, alive: alive) { pid in
                handles.signal(pid, SIGKILL)
            }
        }
        reaper.reapAll()
        return Report(terminated: first, killed: killed)
    }

    private static func waitUntilGone(deadline: ContinuousClock.Instant, reaper: Reaper, alive: () -> [Int32],
                                      hurry: () -> Bool = { false }, signal: (Int32) -> Void) async -> [Int32] {
        var remaining = alive()
        while !remaining.isEmpty, ContinuousClock.now < deadline, !hurry() {
            for pid in remaining { signal(pid) }
            reaper.reapAll()
            try? await Task.sleep(for: .milliseconds(10))
            remaining = alive()
        }
        return remaining
    }
}

/// The sweep's signals go through a pidfd per process, opened when the process is first seen
/// (while it is still alive, so the number names it): a descendant reaped by its own parent
/// between two looks at `/proc` cannot have its number reused by a stranger who then gets the
/// signal. Without pidfds (a kernel before 5.3) it falls back to `kill(2)`.
private final class ProcessHandles {
    private var descriptors: [Int32: FileDescriptor] = [:]

    func signal(_ pid: Int32, _ number: Int32) {
        if descriptors[pid] == nil {
            let fd = steward_pidfd_open(pid)
            if fd >= 0 {
                descriptors[pid] = FileDescriptor(owning: fd)
            } else if errno == ENOSYS {
                kill(pid, number)
                return
            } else {
                return  // ESRCH: gone already
            }
        }
        if let descriptor = descriptors[pid] { _ = steward_pidfd_send_signal(descriptor.rawValue, number) }
    }
}
