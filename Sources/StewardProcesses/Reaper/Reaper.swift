import CStewardSystem
import StewardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one place in the process that calls `waitpid`.
///
/// On every SIGCHLD (signals coalesce, so it never assumes one per child) it loops
/// `waitpid(-1, WNOHANG)` until nothing is left: statuses of children it spawned go to their
/// ``ChildProcessHandle``; anything else (orphans re-parented to us as PID 1 or subreaper) is
/// reaped silently and counted.
///
/// A child that exits instantly must never be mistaken for an orphan, so no pid is reaped while a
/// spawn is in flight: between `vfork` and the registration of the new pid, the reap loop only
/// notes that it was wanted, and the last spawn to finish runs it. The spawn itself (`vfork` +
/// `exec`, during which the spawning thread is suspended) runs outside the lock, so spawns on
/// several threads and the reap loop never wait for one another's `exec`.
public final class Reaper: Sendable {
    /// The reaper of this process.
    public static let shared = Reaper()

    private struct State {
        var started = false
        var children: [Int32: ChildProcessHandle] = [:]
        var orphansReaped = 0
        var token: SignalListener.Token?
        /// Spawns between "about to vfork" and "pid registered".
        var spawnsInFlight = 0
        /// A reap was asked for while spawns were in flight; the last of them runs it.
        var reapDeferred = false
    }

    private let state = Mutex(State())
    /// Set once ``start()`` has caught SIGCHLD: every spawn calls `start()`, and this spares it
    /// the lock.
    private let running = Atomic<Bool>(false)

    private init() {}

    /// Starts reaping (idempotent): catches SIGCHLD and reaps whatever already exited.
    /// - Throws: `SystemError` (StewardCore) if SIGCHLD cannot be caught.
    public func start() throws(SystemError) {
        if running.load(ordering: .acquiring) { return }
        let alreadyStarted = state.withLock { s in defer { s.started = true }; return s.started }
        guard !alreadyStarted else { return }
        let token = try SignalListener.shared.observe([SIGCHLD]) { [weak self] _ in self?.reapAll() }
        state.withLock { $0.token = token }
        running.store(true, ordering: .releasing)
        reapAll()
    }

    /// Makes this process a child subreaper (`PR_SET_CHILD_SUBREAPER`), so orphaned descendants are
    /// re-parented to it instead of to PID 1. A no-op when this process is PID 1, which adopts
    /// orphans anyway.
    public func becomeSubreaper() throws(SystemError) {
        guard getpid() != 1 else { return }
        guard steward_set_child_subreaper(1) == 0 else { throw SystemError.last("prctl(PR_SET_CHILD_SUBREAPER)") }
    }

    /// How many children not spawned through this reaper (orphans) it has reaped.
    public var orphansReaped: Int { state.withLock { $0.orphansReaped } }

    /// The pids of children spawned here and not yet reaped.
    public var livePids: [Int32] { state.withLock { Array($0.children.keys).sorted() } }

    /// Starts a child. The reaper must be started (``start()``); this starts it if needed.
    /// - Throws: ``SpawnError`` naming the step that failed (lookup, chdir, setuid, exec, …).
    public func spawn(_ request: SpawnRequest) throws(SpawnError) -> ChildProcessHandle {
        guard let program = request.arguments.first else {
            throw SpawnError(step: .arguments, code: EINVAL, program: "", detail: "empty command")
        }
        guard !request.arguments.contains(where: { $0.utf8.contains(0) }),
              !request.environment.contains(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) || $0.key.contains("=") }) else {
            throw SpawnError(step: .arguments, code: EINVAL, program: program, detail: "NUL byte or '=' in a name")
        }
        do { try start() } catch {
            throw SpawnError(step: .fork, code: error.code, program: program, detail: "cannot reap children: \(error)")
        }
        let path = try request.resolveExecutable()

        let argv = request.arguments.map { strdup($0) } + [nil]
        let envp = request.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let targets = request.descriptors.keys.sorted()
        let sources = targets.map { request.descriptors[$0]! }
        var pid: pid_t = 0
        var step: Int32 = 0
        var error: Int32 = 0
        // From here until the pid is registered, the reap loop holds off (see the type's discussion).
        state.withLock { $0.spawnsInFlight += 1 }
        let credentials = request.credentials
        let spawned: Bool = path.withCString { pathPointer in
            (request.workingDirectory ?? "").withCString { cwdPointer in
                sources.withUnsafeBufferPointer { sourcePointer in
                    targets.withUnsafeBufferPointer { targetPointer in
                        argv.withUnsafeBufferPointer { argvPointer in
                            envp.withUnsafeBufferPointer { envpPointer in
                                var spawnRequest = steward_spawn_request(
                                    path: pathPointer, argv: argvPointer.baseAddress, envp: envpPointer.baseAddress,
                                    cwd: request.workingDirectory == nil ? nil : cwdPointer,
                                    set_ids: credentials == nil ? 0 : 1, uid: credentials?.uid ?? 0, gid: credentials?.gid ?? 0,
                                    group_mode: request.grouping.mode,
                                    fd_sources: sourcePointer.baseAddress, fd_targets: targetPointer.baseAddress,
                                    fd_count: Int32(targets.count),
                                    foreground_terminal: request.foregroundTerminal ?? -1)
                                return steward_spawn(&spawnRequest, &pid, &step, &error) == 0
                            }
                        }
                    }
                }
            }
        }
        let (handle, reapNow) = state.withLock { s -> (ChildProcessHandle?, Bool) in
            s.spawnsInFlight -= 1
            var handle: ChildProcessHandle?
            if spawned {
                handle = ChildProcessHandle(pid: pid, reaper: self)
                s.children[pid] = handle
            }
            let reapNow = s.spawnsInFlight == 0 && s.reapDeferred
            if reapNow { s.reapDeferred = false }
            return (handle, reapNow)
        }
        if reapNow { reapAll() }
        guard let handle else {
            // A child that failed before exec exits 127 and is reaped as an orphan.
            let failed = SpawnError.Step(code: step)
            let concerned = failed == .workingDirectory ? request.workingDirectory : failed == .exec ? path : nil
            throw SpawnError(step: failed, code: error, program: program, path: concerned)
        }
        // The child may already have exited and been reaped by now; the handle then has its status.
        return handle
    }

    /// Sends `number` to `handle`'s child (`toGroup`: to its process group) if the reaper has not
    /// collected it yet. The check and the `kill(2)` happen under the lock every `waitpid` takes, so
    /// the pid cannot have been reaped and reused by another process in between (a zombie's pid is
    /// never reused). Returns whether the signal was sent.
    @discardableResult
    func signal(_ handle: ChildProcessHandle, _ number: Int32, toGroup: Bool) -> Bool {
        state.withLock { s in
            guard s.children[handle.pid] === handle else { return false }
            return kill(toGroup ? -handle.pid : handle.pid, number) == 0
        }
    }

    /// Reaps every child that has exited. Called on SIGCHLD; safe to call at any time. While a
    /// spawn is in flight it reaps nothing and leaves the reap to the last spawn to finish.
    /// - Returns: whether this process still has a child (running, or exited but not yet reaped);
    ///   `false` when `waitpid` answered `ECHILD`. As PID 1 or a subreaper that also means no
    ///   descendant is left: any orphaned descendant would have been re-parented to us.
    @discardableResult
    public func reapAll() -> Bool {
        while true {
            // Each waitpid and the lookup of its pid happen under the lock, with no spawn in
            // flight: a pid reaped here is never one whose registration is still to come.
            var status: Int32 = 0
            let (pid, handle, failure) = state.withLock { s -> (pid_t, ChildProcessHandle?, Errno?) in
                if s.spawnsInFlight > 0 {
                    s.reapDeferred = true
                    return (0, nil, .wouldBlock)
                }
                // WUNTRACED: a child stopped by a job-control signal is reported too (once per
                // stop), so `exec` on a terminal can behave as a shell does; it stays registered.
                switch SystemCall.retrying({ waitpid(-1, &status, WNOHANG | WUNTRACED) }) {
                case .failure(let error): return (0, nil, error)
                case .success(0): return (0, nil, nil)
                case .success(let pid):
                    if status & 0xff == 0x7f { return (pid, s.children[pid], nil) }
                    if let handle = s.children.removeValue(forKey: pid) { return (pid, handle, nil) }
                    s.orphansReaped += 1
                    return (pid, nil, nil)
                }
            }
            if pid == 0 {
                // nil: children remain, none exited; wouldBlock: deferred (a spawn is in flight);
                // noChild: no children at all.
                return failure != .noChild
            }
            if status & 0xff == 0x7f {
                handle?.stopped(by: (status >> 8) & 0xff)
            } else {
                handle?.complete(ExitStatus(waitStatus: status))
            }
        }
    }
}
