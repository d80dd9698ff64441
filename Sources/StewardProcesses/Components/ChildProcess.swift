import StewardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A long-running child OS process as a `Runnable` of the lifecycle runner: one engine, not a
/// second supervisor.
///
/// - `initialize` resolves the executable (a missing program is an init error, not a restart loop);
/// - `run` spawns the child and returns when it exits: normally for exit code 0, throwing
///   ``ChildProcessExit`` otherwise (so restart policies and reports apply);
/// - `stop` sends the stop signal to the child's process group;
/// - cancellation of `run` (the runner's shutdown timeout passed, or shutdown was forced) sends
///   SIGKILL to the group and waits for the reaper to collect the child.
///
/// Register it with the runner's options carrying the process's timeouts: the config's
/// `stopTimeout` is the runner's `shutdownTimeout` (stop signal → exit, then SIGKILL).
public final class ChildProcess: Runnable {
    /// What to run.
    public let spec: ChildProcessSpec
    private let reaper: Reaper
    private let current = ChildSlot()
    private let history = Mutex<(starts: Int, lastExit: ExitStatus?)>((0, nil))
    private let resolved = ResolvedExecutable()

    /// Creates the component; nothing starts until the runner calls `run`.
    public init(_ spec: ChildProcessSpec, reaper: Reaper = .shared) {
        self.spec = spec
        self.reaper = reaper
    }

    /// The running child's pid, if any.
    public var pid: Int32? { current.handle?.pid }
    /// How many times the child was started.
    public var starts: Int { history.withLock { $0.starts } }
    /// How the last run of the child ended.
    public var lastExit: ExitStatus? { history.withLock { $0.lastExit } }

    public func initialize(_ context: LifecycleContext) async throws {
        resolved.keep(try spec.resolveExecutable())
    }

    public func run(_ context: LifecycleContext) async throws {
        if context.isStopRequested { return }  // asked to stop before anything started
        history.withLock { $0.starts += 1 }
        let exit = try await Self.runToExit(spec, reaper: reaper, current: current, context: context, executable: resolved.take())
        history.withLock { $0.lastExit = exit.status }
        try Self.judge(exit, stopSignal: spec.stopSignal, context: context)
    }

    /// Turns a child's exit into `run`'s outcome: return for success, and for dying from the stop
    /// signal (or exiting 128 + it, as shells do) after a stop request — the graceful end that was
    /// asked for; `CancellationError` when `run` was cancelled (we killed it, and the runner
    /// reports that itself); otherwise throw the exit.
    public static func judge(_ exit: ChildProcessExit, stopSignal: Int32, context: LifecycleContext) throws {
        if exit.status.isSuccess { return }
        if Task.isCancelled { throw CancellationError() }
        if context.isStopRequested, exit.status.signal == stopSignal || exit.status.code == 128 + stopSignal { return }
        throw exit
    }

    public func stop(_ context: LifecycleContext) async throws {
        guard let handle = current.handle else { return }
        Self.signal(handle, spec.stopSignal, grouping: spec.grouping)
    }

    /// Spawns the child and waits for its exit; on cancellation kills its group and still waits
    /// for the reaper, so no child outlives its `run`.
    /// Spawns `spec` and waits for the reaper to collect it. `onStart` runs once the child exists
    /// (to start probes, close notification ends). Cancellation kills the child's group and still
    /// waits for the reap, so no child outlives this call.
    ///
    /// `context.isStopRequested` is checked again once the child exists: a stop that arrived
    /// between `run` starting and the spawn found no child to signal, so it is delivered here.
    /// `executable`, when given, is the file `spec`'s program was resolved to (see
    /// ``ChildProcessSpec/resolveExecutable()``); `nil` resolves it again.
    public static func runToExit(_ spec: ChildProcessSpec, reaper: Reaper, current: ChildSlot, context: LifecycleContext,
                                 executable: String? = nil,
                                 onStart: (ChildProcessHandle) -> Void = { _ in }) async throws -> ChildProcessExit {
        var request = spec.spawnRequest
        request.executable = executable
        let handle = try reaper.spawn(request)
        current.handle = handle
        defer { current.clear(handle) }
        let logger = context.logger
        logger.info("started", metadata: ["pid": "\(handle.pid)"])
        onStart(handle)
        if context.isStopRequested { signal(handle, spec.stopSignal, grouping: spec.grouping) }
        let status = await withTaskCancellationHandler {
            await handle.waitForExit()
        } onCancel: {
            signal(handle, SIGKILL, grouping: spec.grouping)
        }
        // Cancelled before the reaper answered: the child was sent SIGKILL; collect it.
        let final: ExitStatus
        if let status {
            final = status
        } else {
            final = await withCheckedContinuation { continuation in handle.onExit { continuation.resume(returning: $0) } }
        }
        logger.info("exited", metadata: ["pid": "\(handle.pid)", "status": final.description])
        return ChildProcessExit(pid: handle.pid, status: final)
    }

    /// Sends `number` to the child's process group (or to the child alone when it shares ours),
    /// unless it has been reaped (see ``ChildProcessHandle/signal(_:toGroup:)``).
    public static func signal(_ handle: ChildProcessHandle, _ number: Int32, grouping: SpawnRequest.Grouping) {
        handle.signal(number, toGroup: grouping != .inherit)
    }
}

/// A child OS process that must run to completion with exit code 0 before its priority group is
/// initialized: an `Initializer` whose `initialize` runs the command (`oneshot: true`). A
/// non-zero exit is an init failure and aborts startup; the init timeout applies, and on
/// cancellation the child's group is killed.
public final class OneShotProcess: Initializer {
    /// What to run.
    public let spec: ChildProcessSpec
    private let reaper: Reaper
    private let current = ChildSlot()

    /// Creates the component.
    public init(_ spec: ChildProcessSpec, reaper: Reaper = .shared) {
        self.spec = spec
        self.reaper = reaper
    }

    public func initialize(_ context: LifecycleContext) async throws {
        let exit = try await ChildProcess.runToExit(spec, reaper: reaper, current: current, context: context)
        if !exit.status.isSuccess { throw exit }
    }
}

/// The executable a component's `initialize` resolved, kept for its first spawn only: that spawn
/// follows at once, so looking the program up in `PATH` again would find the same file. Later
/// starts (restarts) look it up afresh, so a program replaced meanwhile is found where it is now.
package final class ResolvedExecutable: Sendable {
    private let path = Mutex<String?>(nil)

    /// Creates an empty one.
    package init() {}

    /// Keeps `path` for the next ``take()``.
    package func keep(_ path: String) { self.path.withLock { $0 = path } }

    /// The kept path, once; `nil` afterwards (or if none was kept).
    package func take() -> String? { path.withLock { p in defer { p = nil }; return p } }
}

/// The handle of the child currently running for a component, if any.
public final class ChildSlot: Sendable {
    private let storage = Mutex<ChildProcessHandle?>(nil)

    /// Creates an empty slot.
    public init() {}

    /// The current child.
    public var handle: ChildProcessHandle? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    /// Forgets `handle` if it is still the current one.
    public func clear(_ handle: ChildProcessHandle) {
        storage.withLock { if $0 === handle { $0 = nil } }
    }
}
