@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
import CStewardSystem
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Runs a whole program's tasks on one thread of its own — the main thread — instead of Swift's
/// default executor, so that an idle program never wakes and no libdispatch thread ever starts.
///
/// On Linux the default global executor is libdispatch's worker pool, and the first task that runs
/// on it starts libdispatch's worker-pool monitor: a timer that wakes the process every second for
/// as long as it lives. A PID 1 that idles for months should not. Under this executor:
///
/// - every job (tasks, continuations, `MainActor` work) runs on the main thread in the order it
///   was enqueued; `Task.sleep` and the clocks' `sleep` are served from a deadline heap;
/// - the loop sleeps in `epoll_wait` until a job arrives from another thread (an eventfd), a
///   signal arrives (a signalfd: every asynchronous signal is blocked in every thread, and
///   ``SignalListener`` observers are called from the loop), or the nearest deadline passes;
/// - spawned children start with an empty signal mask and default dispositions (the spawn resets
///   both), so the blocking never leaks into them.
///
/// Nothing may block the loop's thread: a task that blocks stops every other task. Blocking work
/// belongs to threads of its own (`DetachedThread`), as it does under the default executor.
///
/// Use it only from the top of a synchronous `main.swift` (no top-level `await`), before any task
/// or thread exists; without it, tasks run on the default executor as usual (the test suite
/// does). Built on Swift 6.3's `ExecutorFactory` (`_createExecutors`, SPI
/// `ExperimentalCustomExecutors`): the global enqueue hooks alone no longer reach `Task.sleep`,
/// which the default executor schedules on libdispatch itself.
public enum StewardExecutor {
    /// Whether this process's tasks run on the executor loop.
    public static var isInstalled: Bool { ExecutorLoop.installed.load(ordering: .acquiring) }

    /// Blocks every asynchronous signal, installs the executor, starts `main` as a detached task
    /// and runs the loop on the calling thread forever; `main` ends the program with `exit(_:)`.
    ///
    /// Falls back to the default executor — `main` runs under `dispatchMain()` and signals go
    /// through handlers as usual — when the loop's descriptors cannot be created (no epoll, no
    /// signalfd) or when another thread already exists (one started by a preloaded library, say):
    /// that thread would not have the signals blocked, so it could take one the loop never sees.
    /// - Precondition: called once, from the main thread, before any task has started.
    public static func run(_ main: @escaping @Sendable () async -> Void) -> Never {
        precondition(!isInstalled, "StewardExecutor.run called twice")
        let loop: ExecutorLoop
        do {
            guard threadCount() <= 1 else { throw SystemError(operation: "StewardExecutor.run: another thread exists", code: EBUSY) }
            guard steward_signals_block_asynchronous() == 0 else { throw SystemError.last("pthread_sigmask") }
            loop = try ExecutorLoop()
        } catch {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            Task.detached { await main() }
            dispatchMain()
        }
        ExecutorLoop.shared = loop
        ExecutorLoop.installed.store(true, ordering: .releasing)
        _createExecutors(factory: LoopExecutorFactory.self)
        Task.detached { await main() }
        loop.run()
    }

    /// The threads of this process (`/proc/self/task`); 0 when `/proc` is not mounted.
    private static func threadCount() -> Int {
        guard let directory = opendir("/proc/self/task") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != 0x2e { count += 1 }  // not "." or ".."
        }
        return count
    }
}

/// The main actor's executor under ``StewardExecutor``: the loop, on the main thread.
final class LoopMainExecutor: MainExecutor, @unchecked Sendable {
    func enqueue(_ job: consuming ExecutorJob) {
        ExecutorLoop.shared!.enqueue(UnownedJob(job), .main)
    }

    func run() throws { ExecutorLoop.shared!.run() }

    func stop() {}
}

/// The default (global) executor under ``StewardExecutor``: the same loop. Its scheduling
/// methods serve `Task.sleep` and `Clock.sleep` from the loop's deadline heap.
final class LoopTaskExecutor: TaskExecutor, SchedulingExecutor, @unchecked Sendable {
    func enqueue(_ job: consuming ExecutorJob) {
        ExecutorLoop.shared!.enqueue(UnownedJob(job), .global)
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        enqueue(job, after: clock.now.duration(to: instant), tolerance: tolerance, clock: clock)
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        // The system clocks measure in `Duration`; a clock of another duration type cannot be
        // converted, so its job runs at once (its own `sleep` decides whether that was enough).
        let nanoseconds = (delay as? Duration).map(Self.nanoseconds) ?? 0
        ExecutorLoop.shared!.enqueue(UnownedJob(job), afterNanoseconds: nanoseconds)
    }

    /// `duration` in whole nanoseconds, 0 if negative, saturating.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 || seconds > 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let fraction = attoseconds >= 0 ? UInt64(attoseconds / 1_000_000_000) : 0
        let (sum, carry) = whole.addingReportingOverflow(fraction)
        return carry ? .max : sum
    }
}

/// Hands both executors to the runtime (`_createExecutors`).
struct LoopExecutorFactory: ExecutorFactory {
    static var mainExecutor: any MainExecutor { ExecutorLoop.shared!.mainExecutor }
    static var defaultExecutor: any TaskExecutor { ExecutorLoop.shared!.taskExecutor }
}
