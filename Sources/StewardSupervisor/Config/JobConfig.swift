import StewardCore
import StewardJobs

/// One entry of `jobs`: a command run on a schedule or on demand, as a run of the job layer.
///
/// ```json5
/// jobs: {
///   report: { command: ["sh", "report.sh"], schedule: "0 30 2 * * *", zone: "Europe/Berlin",
///             timeout: "10m", overlap: "skip", misfire: "fireOnceNow", retries: 2 },
///   sync:   { command: ["./sync"], every: "15m" },
///   backup: { command: ["./backup"] },            // on demand only: steward trigger backup
/// }
/// ```
public struct JobConfig: Sendable, Equatable {
    /// The job's id (its key under `jobs`).
    public var name: String
    /// `command`: argv, run without a shell; empty when the job has ``steps``.
    public var command: [String]
    /// `steps` (instead of `command`): commands run in order as a pipeline, each step's output its
    /// next step's input; empty for a job with a `command`.
    public var steps: [JobStepConfig] = []
    /// `onSuccess`: a hook command run after a run succeeded.
    public var onSuccess: [String]?
    /// `onFailure`: a hook command run after a run that started did not succeed (failed, crashed,
    /// timed out, stopped or killed).
    public var onFailure: [String]?
    /// `hookTimeout`: how long a hook may run before it is stopped. Default 60 s.
    public var hookTimeout: Duration = .seconds(60)
    /// `description`.
    public var description: String
    /// `enabled`: default `true`.
    public var enabled: Bool
    /// `schedule`: a cron expression (5, 6 or 7 fields, or a macro such as `@daily`).
    public var cron: String?
    /// `every`: an interval (`"30s"`, `"1h30m"`), anchored at `at` or at steward's start.
    public var every: String?
    /// `at`: an ISO 8601 instant (one run later, or the anchor of `every`).
    public var at: String?
    /// `zone`: an IANA zone for the schedule; default the config's `zone`, else the system's.
    public var zone: String?
    /// `start`: an ISO 8601 instant; with `schedule`, no fire before it; with `every`, its anchor.
    public var start: String? = nil
    /// `end`: an ISO 8601 instant; with `schedule` or `every`, no fire after it.
    public var end: String? = nil
    /// `tags`: labels to filter by (`steward jobs --tag T`, `steward runs --tag T`).
    public var tags: [String] = []
    /// `timeout`: a run longer than this is stopped and recorded `timedOut`.
    public var timeout: Duration?
    /// `overlap`: `skip` (default), `queueOne` or `allow`.
    public var overlap: OverlapPolicy
    /// `misfire`: `fireOnceNow` (default), `skip`, or `runAll` (with `misfireCap`, default 10).
    public var misfire: MisfirePolicy
    /// `misfireThreshold`: a fire later than this is a misfire. Default 60 s.
    public var misfireThreshold: Duration
    /// `retries`: further attempts after a failed, timed-out or crashed run. Default 0, at most
    /// ``maximumRetries``.
    public var retries: Int

    /// The most `retries` a config may ask for: 1,000,000.
    public static let maximumRetries = 1_000_000
    /// `retryBackoff`: the first retry's delay, doubling up to 5 minutes. Default 1 s.
    public var retryBackoff: Duration
    /// `env`: variables added to steward's environment for the command.
    public var environment: [String: String]
    /// `cwd`: the working directory, relative to the config file's directory.
    public var workingDirectory: String?
    /// `stopSignal`: sent to the command's process group on stop. Default SIGTERM.
    public var stopSignal: Int32
    /// `stopTimeout`: the grace period between the stop signal and SIGKILL. Default 10 s.
    public var stopTimeout: Duration

    /// Creates a job; every parameter has the default documented on its property.
    public init(name: String, command: [String], description: String = "", enabled: Bool = true, cron: String? = nil,
                every: String? = nil, at: String? = nil, zone: String? = nil, timeout: Duration? = nil,
                overlap: OverlapPolicy = .skip, misfire: MisfirePolicy = .fireOnceNow, misfireThreshold: Duration = .seconds(60),
                retries: Int = 0, retryBackoff: Duration = .seconds(1), environment: [String: String] = [:],
                workingDirectory: String? = nil, stopSignal: Int32 = 15, stopTimeout: Duration = .seconds(10)) {
        self.name = name
        self.command = command
        self.description = description
        self.enabled = enabled
        self.cron = cron
        self.every = every
        self.at = at
        self.zone = zone
        self.timeout = timeout
        self.overlap = overlap
        self.misfire = misfire
        self.misfireThreshold = misfireThreshold
        self.retries = retries
        self.retryBackoff = retryBackoff
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stopSignal = stopSignal
        self.stopTimeout = stopTimeout
    }
}
