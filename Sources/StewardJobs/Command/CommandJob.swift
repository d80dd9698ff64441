import CStewardSystem
import StewardCore
import StewardProcesses
#if canImport(Glibc)
import Glibc
#endif

/// A job that runs an OS command per run, through the process's single `Reaper`.
///
/// - stdin is `/dev/null`; each line of stdout and stderr goes to the run's log (sources
///   `stdout`/`stderr`, byte-exact text), except stdout lines `STEWARD_PROGRESS 0.4 message` (or
///   `40%`), which report the run's progress;
/// - the environment is ``environment`` plus `STEWARD_RUN_ID`, `STEWARD_JOB_ID`,
///   `STEWARD_JOB_ATTEMPT` and `STEWARD_JOB_INPUT` (the input as JSON text; `STEWARD_INPUT` is the
///   same text, the name `steward trigger --input` documents);
/// - the process leads a new process group; a stop sends ``stopSignal`` to the group, and after the
///   definition's grace period SIGKILL; the run always waits for the reap;
/// - the exit code or signal is recorded; exit 0 succeeds with output `{"exitCode": 0}`, anything
///   else throws ``CommandJobError`` carrying the tail of stderr (a signal nobody sent is a crash).
public struct CommandJob: Job {
    /// `argv`; `command[0]` is looked up in the environment's `PATH` when it has no `/`.
    public var command: [String]
    /// The environment (nothing is inherited implicitly).
    public var environment: [String: String]
    /// The working directory; `nil` inherits steward's.
    public var workingDirectory: String?
    /// The signal a stop sends first. Default SIGTERM.
    public var stopSignal: Int32
    /// How many stderr lines the failure keeps. Default 20.
    public var stderrTailLines: Int

    /// Creates a command job.
    public init(_ command: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
                stopSignal: Int32 = SIGTERM, stderrTailLines: Int = 20) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stopSignal = stopSignal
        self.stderrTailLines = stderrTailLines
    }

    /// The file a run will execute, found now as its spawn will find it (in this job's
    /// environment and working directory).
    /// - Throws: `SpawnError` (empty command, not found, not executable).
    public func resolveExecutable() throws(SpawnError) -> String {
        try SpawnRequest(arguments: command, environment: environment, workingDirectory: workingDirectory).resolveExecutable()
    }

    /// Runs the command to its end.
    public func execute(_ context: JobContext) async throws -> JobValue {
        let run = context.handle
        try context.checkCancellation()  // a stop that came first: start nothing
        let pipes = try CommandPipes(command: command)
        var childEnvironment = environment
        childEnvironment["STEWARD_RUN_ID"] = context.runId.rawValue
        childEnvironment["STEWARD_JOB_ID"] = context.jobId.rawValue
        childEnvironment["STEWARD_JOB_ATTEMPT"] = String(context.attempt)
        childEnvironment["STEWARD_JOB_INPUT"] = context.input.jsonText
        childEnvironment["STEWARD_INPUT"] = context.input.jsonText
        let request = SpawnRequest(arguments: command, environment: childEnvironment, workingDirectory: workingDirectory,
                                   grouping: .processGroup,
                                   descriptors: [0: pipes.devNull.rawValue, 1: pipes.stdout.write.rawValue, 2: pipes.stderr.write.rawValue])
        let child: ChildProcessHandle
        do {
            child = try Reaper.shared.spawn(request)
        } catch {
            pipes.closeAll()
            throw CommandJobError(command: command, status: nil, spawnError: error)
        }
        pipes.closeChildEnds()
        run.processStarted()
        defer { run.processEnded() }
        run.journal.append(RunLogEntry(time: context.clock.now, level: .debug, source: .system, text: "started pid \(child.pid)"))
        let out = OutputLineReader(fd: pipes.stdout.read, source: .stdout, journal: run.journal, clock: context.clock, keepTail: 0) {
            message, fraction in context.reportProgress(message, fraction: fraction)
        }
        let err = OutputLineReader(fd: pipes.stderr.read, source: .stderr, journal: run.journal, clock: context.clock,
                                   keepTail: stderrTailLines)
        let stopSignal = self.stopSignal
        let stopToken = run.stopLatch.observe { ChildProcess.signal(child, stopSignal, grouping: .processGroup) }
        let killToken = run.killLatch.observe { ChildProcess.signal(child, SIGKILL, grouping: .processGroup) }
        let waited = await withTaskCancellationHandler {
            await child.waitForExit()
        } onCancel: {
            // A stop request already sent the stop signal; a second one would make a program
            // that treats a repeated SIGINT as "force quit" skip its graceful exit.
            if !run.stopLatch.isFired { ChildProcess.signal(child, stopSignal, grouping: .processGroup) }
        }
        // Cancelled before the reap: the stop signal (then SIGKILL via the kill latch) ends it; wait.
        let status: ExitStatus
        if let waited {
            status = waited
        } else {
            status = await withCheckedContinuation { continuation in child.onExit { continuation.resume(returning: $0) } }
        }
        run.stopLatch.removeObserver(stopToken)
        run.killLatch.removeObserver(killToken)
        _ = await out.finish()
        let tail = await err.finish()
        let record = run.update { record in
            record.exitCode = status.code
            record.signal = status.signal
        }
        run.journal.update(record)
        if status.isSuccess { return ["exitCode": 0] }
        throw CommandJobError(command: command, status: status, stderrTail: tail)
    }
}

/// The descriptors of one command start: stdout and stderr pipes and `/dev/null` for stdin, each
/// owned (closed when released, so no error path leaks one).
private struct CommandPipes {
    let stdout: (read: FileDescriptor, write: FileDescriptor)
    let stderr: (read: FileDescriptor, write: FileDescriptor)
    let devNull: FileDescriptor

    init(command: [String]) throws(CommandJobError) {
        func failure(_ error: Errno, _ detail: String) -> CommandJobError {
            CommandJobError(command: command, status: nil,
                            spawnError: SpawnError(step: .fork, code: error.rawValue, program: command.first ?? "", detail: detail))
        }
        switch (FileDescriptor.pipe(), FileDescriptor.pipe(), FileDescriptor.open("/dev/null", O_RDONLY)) {
        case (.success(let out), .success(let err), .success(let null)):
            stdout = out
            stderr = err
            devNull = null
        case (.failure(let error), _, _), (_, .failure(let error), _):
            throw failure(error, "pipe failed")
        case (_, _, .failure(let error)):
            throw failure(error, "cannot open /dev/null")
        }
    }

    /// Closes the ends only the child uses (after the spawn).
    func closeChildEnds() {
        stdout.write.close()
        stderr.write.close()
        devNull.close()
    }

    /// Closes everything (the spawn failed).
    func closeAll() {
        closeChildEnds()
        stdout.read.close()
        stderr.read.close()
    }
}
