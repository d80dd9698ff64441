/// The whole `steward` config file: global settings and the processes to supervise.
///
/// Read it with ``SupervisorConfigLoader``. The file is JSON5 (comments, trailing commas, unquoted
/// keys, single-quoted strings); every key is optional except each process's `command`:
///
/// ```json5
/// {
///   shutdownTimeout: "30s",
///   http: { listen: "127.0.0.1:9100" },
///   control: { socket: "/run/steward.sock" },
///   processes: {
///     web: { command: ["./bin/web"], ready: { http: "http://127.0.0.1:8080/health" } },
///   },
/// }
/// ```
///
/// The top-level key `jobs` is accepted when it holds an object and is otherwise ignored for now:
/// scheduled jobs are defined by a later part of the project (`specs/jobs.md`), and accepting the
/// key already lets one config file serve both.
public struct SupervisorConfig: Sendable, Equatable {
    /// `shutdownTimeout`: the budget for the whole unwind (every process stopped, in reverse
    /// priority order). Default 30 s; must be longer than zero.
    public var shutdownTimeout: Duration
    /// `http`: the HTTP endpoint for probes, status and metrics; `nil` (the default) = no HTTP server.
    public var http: HTTPEndpoint?
    /// `control`: the admin socket the `steward` CLI talks to; `nil` (the default) = none.
    public var control: ControlEndpoint?
    /// `processes`: the processes, sorted by (priority, name). Default: none.
    public var processes: [ProcessConfig]
    /// `jobs`: commands run on a schedule or on demand, sorted by name. Default: none.
    public var jobs: [JobConfig] = []
    /// `zone`: the IANA time zone of job schedules that name none. Default: the system's.
    public var zone: String?
    /// Where the jobs' run journal is kept and for how long (`journal: { path, retention }`);
    /// `nil`: the default path and retention (used only when there are jobs).
    public var journal: JournalConfig?

    /// The default ``shutdownTimeout``: 30 s.
    public static let defaultShutdownTimeout: Duration = .seconds(30)

    /// Creates a config; every parameter has the default documented on its property.
    public init(shutdownTimeout: Duration = defaultShutdownTimeout, http: HTTPEndpoint? = nil,
                control: ControlEndpoint? = nil, processes: [ProcessConfig] = []) {
        self.shutdownTimeout = shutdownTimeout
        self.http = http
        self.control = control
        self.processes = processes
    }

    /// The process named `name`, if any.
    public func process(named name: String) -> ProcessConfig? {
        processes.first { $0.name == name }
    }
}
