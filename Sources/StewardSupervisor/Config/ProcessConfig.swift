/// One supervised OS process: `processes: { NAME: { … } }`.
///
/// Only `command` is required. A relative `envFile`, `cwd` or `log.file` is resolved against the
/// config file's directory.
public struct ProcessConfig: Sendable, Equatable {
    /// The key under `processes`: letters, digits, `_`, `.` and `-`.
    public var name: String
    /// `priority`: lower groups start first and stop last. Default 0; within the range of `Int32`.
    public var priority: Int
    /// `command`: the argv, program first; no shell is involved (write `["sh", "-c", "…"]` for one).
    /// Never empty, no element empty.
    public var command: [String]
    /// `oneshot`: an initializer that must exit 0 before the next priority group starts; a
    /// non-zero exit aborts startup. Default false. A oneshot process may not have a `health`
    /// probe nor restart policy `always`.
    public var oneshot: Bool
    /// `env`: variables added to (and overriding) the inherited environment and ``envFile``.
    /// Default empty.
    public var environment: [String: String]
    /// `envFile`: a `.env` file (the syntax of `DotEnvFile`), resolved against the config file's
    /// directory; checked to exist and parse at load time. Its variables come before ``environment``.
    /// Default none.
    public var envFile: String?
    /// `cwd`: the working directory. Default: steward's own.
    public var workingDirectory: String?
    /// `user`: a user name or numeric uid to run as; names must exist on this machine. Default:
    /// steward's own user.
    public var user: String?
    /// `group`: a group name or numeric gid to run as; names must exist on this machine. Default:
    /// the user's primary group (or steward's own).
    public var group: String?
    /// `ready`: the readiness probe; `nil` (the default) = ready as soon as the process is started.
    public var ready: Probe?
    /// `health`: the liveness probe; `nil` (the default) = none.
    public var health: Probe?
    /// `restart`: when and how fast to restart. Default policy `on-failure`, `never` for oneshot.
    public var restart: RestartSettings
    /// `stopSignal`: sent to the process group to stop it (`"SIGINT"`, `"INT"` or `2`). Default SIGTERM.
    public var stopSignal: Int32
    /// `stopTimeout`: wait after the stop signal before SIGKILL. Default 10 s (0 = kill at once).
    public var stopTimeout: Duration
    /// `startupTimeout`: how long a started process may take to become ready (its readiness check
    /// passes) — at startup, where a miss fails the startup, and when a reload adds it, where a
    /// miss rolls the addition back and the next reload tries again. Default 60 s.
    public var startupTimeout: Duration = defaultStartupTimeout
    /// `critical`: when this process fails for good, the whole supervisor shuts down (and its exit
    /// code becomes steward's). Default true.
    public var critical: Bool
    /// `log`: output handling. Default: prefixed lines on stdout, no file.
    public var log: LogSettings

    /// The default ``stopSignal``: SIGTERM (15).
    public static let defaultStopSignal: Int32 = 15
    /// The default ``startupTimeout``: 60 s.
    public static let defaultStartupTimeout: Duration = .seconds(60)
    /// The default ``stopTimeout``: 10 s.
    public static let defaultStopTimeout: Duration = .seconds(10)

    /// Creates a process config; every parameter has the default documented on its property
    /// (`restart: nil` picks the default for `oneshot`).
    public init(name: String, command: [String], priority: Int = 0, oneshot: Bool = false,
                environment: [String: String] = [:], envFile: String? = nil, workingDirectory: String? = nil,
                user: String? = nil, group: String? = nil, ready: Probe? = nil, health: Probe? = nil,
                restart: RestartSettings? = nil, stopSignal: Int32 = defaultStopSignal,
                stopTimeout: Duration = defaultStopTimeout, critical: Bool = true, log: LogSettings = LogSettings()) {
        self.name = name
        self.priority = priority
        self.command = command
        self.oneshot = oneshot
        self.environment = environment
        self.envFile = envFile
        self.workingDirectory = workingDirectory
        self.user = user
        self.group = group
        self.ready = ready
        self.health = health
        self.restart = restart ?? (oneshot ? .oneshotDefault : .processDefault)
        self.stopSignal = stopSignal
        self.stopTimeout = stopTimeout
        self.critical = critical
        self.log = log
    }

    /// Whether `name` is a valid process name: one or more of `A-Z a-z 0-9 _ . -`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == 95 || byte == 46 || byte == 45
        }
    }
}
