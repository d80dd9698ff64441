import StewardProcesses

/// A command job's process could not start, exited non-zero, or was killed by a signal.
public struct CommandJobError: Error, Sendable, CustomStringConvertible, JobErrorDetails {
    /// The command.
    public var command: [String]
    /// How the process ended; `nil` when it never started.
    public var status: ExitStatus?
    /// Why it could not start.
    public var spawnError: SpawnError?
    /// The last lines of its standard error.
    public var stderrTail: [String]
    /// The command's time limit, when it was stopped for passing it (a step's `timeout`).
    public var timeLimit: Duration?

    /// Creates an error.
    public init(command: [String], status: ExitStatus?, spawnError: SpawnError? = nil, stderrTail: [String] = [],
                timeLimit: Duration? = nil) {
        self.command = command
        self.status = status
        self.spawnError = spawnError
        self.stderrTail = stderrTail
        self.timeLimit = timeLimit
    }

    /// `command "backup" exited 3`, `… killed by SIGSEGV`, `cannot start …`.
    public var description: String {
        let program = command.first ?? ""
        if let spawnError { return "cannot start command \"\(program)\": \(spawnError)" }
        if let timeLimit { return "command \"\(program)\" timed out after \(timeLimit.compactDescription) (\(status?.description ?? "stopped"))" }
        return "command \"\(program)\" \(status?.description ?? "ended")"
    }

    /// The exit code, for a normal exit.
    public var exitCode: Int32? { status?.code }
    /// The killing signal.
    public var signal: Int32? { status?.signal }
    /// The stderr tail, one line per line; `nil` when empty.
    public var detail: String? { stderrTail.isEmpty ? nil : stderrTail.joined(separator: "\n") }
    /// Death by a signal is a crash (unless the run was being stopped, which the scheduler decides).
    /// A command stopped for its time limit is not a crash.
    public var isCrash: Bool { status?.signal != nil && timeLimit == nil }
}
