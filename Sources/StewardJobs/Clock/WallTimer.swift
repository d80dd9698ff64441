#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardProcesses
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process's one wall-clock timer: a single `timerfd` (`CLOCK_REALTIME`, absolute, cancel on
/// set) watched by the process's ``DescriptorWatcher`` for the life of the process, re-armed with
/// `timerfd_settime` for the earliest waiting deadline.
///
/// One long-lived registration instead of a descriptor per sleep (a scheduler re-arms often), and
/// no Dispatch source: on Linux, libdispatch's epoll bookkeeping can be corrupted by read sources
/// registered and torn down concurrently (swift-corelibs-libdispatch issue #949).
///
/// A read that succeeds wakes every waiter whose deadline passed; a read failing with
/// `ECANCELED` (the clock was set) wakes every waiter with ``JobClockWake/clockChanged``.
final class WallTimer: Sendable {
    /// The timer of this process; `nil` when no `timerfd` can be created.
    static let shared: WallTimer? = WallTimer()

    private struct Waiter {
        let deadline: Date
        let continuation: CheckedContinuation<Result<JobClockWake, CancellationError>, Never>
    }

    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
        var armedFor: Date?
    }

    private let fd: Int32
    private let state = Mutex(State())

    private init?() {
        guard let fd = TimerFD.create() else { return nil }
        self.fd = fd
        // Never removed: the timer lives as long as the process. Level-triggered; `fired` reads.
        do {
            _ = try DescriptorWatcher.shared.add(fd, for: .readable) { [self] _ in fired() }
        } catch {
            close(fd)
            return nil
        }
    }

    /// Waits until the wall clock reads `deadline` or is set.
    func sleep(until deadline: Date) async throws(CancellationError) -> JobClockWake {
        if Task.isCancelled { throw CancellationError() }
        if deadline <= Date() { return .deadlineReached }
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<JobClockWake, CancellationError>, Never>) in
                let cancelled = state.withLock { s -> Bool in
                    if Task.isCancelled { return true }
                    s.waiters[id] = Waiter(deadline: deadline, continuation: continuation)
                    rearm(&s)
                    return false
                }
                if cancelled { continuation.resume(returning: .failure(CancellationError())) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                defer { rearm(&s) }
                return s.waiters.removeValue(forKey: id)
            }
            waiter?.continuation.resume(returning: .failure(CancellationError()))
        }
        return try result.get()
    }

    /// Arms the descriptor for the earliest deadline (under the lock).
    private func rearm(_ s: inout State) {
        let earliest = s.waiters.values.map(\.deadline).min()
        guard earliest != s.armedFor else { return }
        s.armedFor = earliest
        TimerFD.arm(fd, at: earliest)
    }

    /// The descriptor is readable: the deadline passed or the clock was set (on the watcher thread).
    private func fired() {
        var expirations: UInt64 = 0
        let count = read(fd, &expirations, MemoryLayout<UInt64>.size)
        let clockChanged = count < 0 && errno == ECANCELED
        if count < 0 && !clockChanged { return }  // EAGAIN: spurious readiness
        let now = Date()
        let woken = state.withLock { s -> [(Waiter, JobClockWake)] in
            var woken: [(Waiter, JobClockWake)] = []
            for (id, waiter) in s.waiters where clockChanged || waiter.deadline <= now {
                woken.append((waiter, waiter.deadline <= now ? .deadlineReached : .clockChanged))
                s.waiters.removeValue(forKey: id)
            }
            s.armedFor = nil  // re-arm whatever is left (a clock set also disarms the cancel-on-set)
            rearm(&s)
            return woken
        }
        for (waiter, wake) in woken.sorted(by: { $0.0.deadline < $1.0.deadline }) {
            waiter.continuation.resume(returning: .success(wake))
        }
    }
}
