/// One entry of a job's `steps`: a command run in order after the previous step succeeded, taking
/// the previous step's output as its input.
///
/// ```json5
/// jobs: {
///   nightly: { schedule: "@daily", steps: [
///     { name: "extract", command: ["./extract"] },            // prints STEWARD_OUTPUT {"rows": 12}
///     { name: "load", command: ["./load"], timeout: "10m" },  // reads $STEWARD_INPUT
///   ] },
/// }
/// ```
public struct JobStepConfig: Sendable, Equatable {
    /// `name`: unique within the job; default `stepN` (N counted from 1).
    public var name: String
    /// `command`: argv, run without a shell.
    public var command: [String]
    /// `cwd`: the working directory; default the job's `cwd`.
    public var workingDirectory: String?
    /// `env`: variables added over the job's `env` for this step.
    public var environment: [String: String]
    /// `timeout`: past this the step's command is stopped (the job's `stopSignal`, then SIGKILL
    /// after its `stopTimeout`) and the step fails.
    public var timeout: Duration?

    /// Creates a step.
    public init(name: String, command: [String], workingDirectory: String? = nil, environment: [String: String] = [:],
                timeout: Duration? = nil) {
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
    }
}
