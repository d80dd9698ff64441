import StewardCore
import StewardJobs
import StewardProcesses
#if canImport(Glibc)
import Glibc
#endif

/// A config job's `onSuccess` / `onFailure` command, run once a run has ended (its final record
/// written) as a ``RunCallbacks`` callback.
///
/// The hook gets steward's environment with the job's `env`, plus `STEWARD_RUN_ID`,
/// `STEWARD_RUN_STATE` (`succeeded`, `failed`, …), `STEWARD_EXIT_CODE` (the run's exit code;
/// empty when it has none, e.g. killed by a signal) and `STEWARD_JOB`; it runs in the job's `cwd`
/// with stdin `/dev/null`, in its own process group; its stdout and stderr lines are added to the
/// run's log (``HookOutput``). Past
/// ``timeout`` it is stopped through ``Termination`` (SIGTERM, then SIGKILL after 5 s). A hook
/// that cannot start, exits non-zero or times out throws ``JobHookError``: the scheduler logs it
/// and notes it in the run's log; the run's state never changes. When steward shuts down while
/// the hook runs, its task is cancelled and the hook is stopped the same way at once.
struct JobHook: Sendable {
    /// `onSuccess` or `onFailure`.
    let name: String
    let command: [String]
    let environment: [String: String]
    let workingDirectory: String?
    let timeout: Duration
    let reaper: Reaper
    /// Where the run's log is (the hook's output is added to it).
    let store: any RunStore

    /// The grace between the hook's SIGTERM and SIGKILL after its timeout.
    static let stopTimeout: Duration = .seconds(5)

    /// Runs the hook for `record` to its end.
    /// - Throws: ``JobHookError``.
    func run(for record: RunRecord) async throws(JobHookError) {
        var environment = self.environment
        environment["STEWARD_RUN_ID"] = record.runId.rawValue
        environment["STEWARD_RUN_STATE"] = record.state.name
        environment["STEWARD_EXIT_CODE"] = record.exitCode.map { String($0) } ?? ""
        environment["STEWARD_JOB"] = record.jobId.rawValue
        guard case .success(let devNull) = FileDescriptor.open("/dev/null", O_RDONLY),
              case .success(let out) = FileDescriptor.pipe(), case .success(let err) = FileDescriptor.pipe() else {
            throw JobHookError(hook: name, command: command, problem: "cannot start: no descriptors left (\(Errno.current))")
        }
        let handle: ChildProcessHandle
        do {
            handle = try reaper.spawn(SpawnRequest(arguments: command, environment: environment, workingDirectory: workingDirectory,
                                                   grouping: .processGroup,
                                                   descriptors: [0: devNull.rawValue, 1: out.write.rawValue, 2: err.write.rawValue]))
        } catch {
            for descriptor in [devNull, out.read, out.write, err.read, err.write] { descriptor.close() }
            throw JobHookError(hook: name, command: command, problem: "cannot start: \(error)")
        }
        for descriptor in [devNull, out.write, err.write] { descriptor.close() }
        let output = HookOutput(hook: name, stdout: out.read, stderr: err.read)
        let timedOut = Latch()
        let termination = Termination(stopSignal: SIGTERM, stopTimeout: Self.stopTimeout, grouping: .processGroup)
        let timer = Task { [timeout] in
            do { try await Task.sleep(for: timeout) } catch { return }
            timedOut.fire()
            await termination.terminate(handle)
        }
        // Cancelled (steward shuts down): the hook is stopped the same way, and waited for.
        let status = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ExitStatus, Never>) in
                handle.onExit { continuation.resume(returning: $0) }
            }
        } onCancel: {
            Task { await termination.terminate(handle) }
        }
        timer.cancel()
        let lines = output.finish()
        if !lines.isEmpty {
            do throws(RunStoreError) { try await store.appendLog(record.runId, lines) } catch {}  // the journal logs its outages
        }
        if timedOut.isFired {
            throw JobHookError(hook: name, command: command, problem: "timed out after \(timeout.compactDescription) (\(status))")
        }
        guard status.isSuccess else { throw JobHookError(hook: name, command: command, problem: "\(status)") }
    }
}
