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
/// reaped silently and counted. Spawning happens under the same lock the reap loop takes to look a
/// pid up, so a child that exits instantly can never be mistaken for an orphan.
public final class Reaper: Sendable {
    /// The reaper of this process.
    public static let shared = Reaper()

    private struct State {
        var started = false
        var children: [Int32: ChildProcessHandle] = [:]
        var orphansReaped = 0
        var token: SignalListener.Token?
    }

    private let state = Mutex(State())

    private init() {}

    /// Starts reaping (idempotent): catches SIGCHLD and reaps whatever already exited.
    /// - Throws: ``SystemError`` if SIGCHLD cannot be caught.
    public func start() throws(SystemError) {
        let alreadyStarted = state.withLock { s in defer { s.started = true }; return s.started }
        guard !alreadyStarted else { return }
        let token = try SignalListener.shared.observe([SIGCHLD]) { [weak self] _ in self?.reapAll() }
        state.withLock { $0.token = token }
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
        let path: String
        if let executable = request.executable {
            path = executable
        } else {
            path = try ExecutableLookup.resolve(program, environment: request.environment, workingDirectory: request.workingDirectory)
        }

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
        let credentials = request.credentials
        let spawned: ChildProcessHandle? = path.withCString { pathPointer in
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
                                    fd_count: Int32(targets.count))
                                // Under the lock: the reap loop cannot look this pid up before it is registered.
                                return state.withLock { s -> ChildProcessHandle? in
                                    guard steward_spawn(&spawnRequest, &pid, &step, &error) == 0 else { return nil }
                                    let handle = ChildProcessHandle(pid: pid)
                                    s.children[pid] = handle
                                    return handle
                                }
                            }
                        }
                    }
                }
            }
        }
        guard let spawned else {
            // A child that failed before exec exits 127 and is reaped as an orphan.
            throw SpawnError(step: SpawnError.Step(code: step), code: error, program: program)
        }
        // The child may already have exited and been reaped by now; the handle then has its status.
        return spawned
    }

    /// Reaps every child that has exited. Called on SIGCHLD; safe to call at any time.
    /// - Returns: whether this process still has a child (running, or exited but not yet reaped);
    ///   `false` when `waitpid` answered `ECHILD`. As PID 1 or a subreaper that also means no
    ///   descendant is left: any orphaned descendant would have been re-parented to us.
    @discardableResult
    public func reapAll() -> Bool {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 {
                if pid < 0, errno == EINTR { continue }
                return pid == 0 || errno != ECHILD  // 0: children remain, none exited; ECHILD: none at all
            }
            let handle = state.withLock { s -> ChildProcessHandle? in
                if let handle = s.children.removeValue(forKey: pid) { return handle }
                s.orphansReaped += 1
                return nil
            }
            handle?.complete(ExitStatus(waitStatus: status))
        }
    }
}
