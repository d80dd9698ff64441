/// Settings of one lifecycle run. Every field has a documented default.
public struct LifecycleOptions: Sendable {
    /// The clock every timer uses. Default `ContinuousClock()`; tests inject a manual clock.
    public var clock: any Clock<Duration>
    /// Signal handling. Default ``SignalPolicy/standard`` (SIGTERM/SIGINT, escalating).
    public var signals: SignalPolicy
    /// Budget for the whole unwind, from the shutdown request: past it the runner reports who did
    /// not stop and returns. Default 30 s (Kubernetes' grace period); `nil` waits forever.
    public var shutdownDeadline: Duration?
    /// How long to wait for a cancelled `run` to return before abandoning it. Default 1 s.
    public var cancellationGrace: Duration
    /// Where the runner logs. Default: stdout, labelled with the executable's name, level from
    /// `STEWARD_LOG_LEVEL` (info) and format from `STEWARD_LOG_FORMAT`; a value of either that is
    /// not valid is a config error of the run (it fails before any component starts).
    public var logger: Logger
    /// What was wrong with the default logger's settings (empty with a logger of the caller's).
    var loggerProblems: [String] = []
    /// A health key the runner owns: healthy once every group started, unhealthy again as soon as
    /// shutdown begins, so `isReady` turns false before anything is stopped. Default `"lifecycle"`;
    /// `nil` registers none.
    public var readinessKey: HealthKey?
    /// Random numbers in 0..<1 for restart jitter. Default `Double.random(in:)`.
    public var random: @Sendable () -> Double

    /// Creates options; every parameter has the default documented on its property.
    public init(clock: any Clock<Duration> = ContinuousClock(), signals: SignalPolicy = .standard,
                shutdownDeadline: Duration? = .seconds(30), cancellationGrace: Duration = .seconds(1),
                logger: Logger? = nil, readinessKey: HealthKey? = "lifecycle",
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.clock = clock
        self.signals = signals
        self.shutdownDeadline = shutdownDeadline
        self.cancellationGrace = cancellationGrace
        if let logger {
            self.logger = logger
        } else {
            (self.logger, loggerProblems) = Logger.fromEnvironment(label: Self.executableName, prefix: "STEWARD",
                                                                   environment: ProcessEnvironment.current)
        }
        self.readinessKey = readinessKey
        self.random = random
    }

    /// The running executable's file name (`CommandLine.arguments[0]` without its directory).
    static var executableName: String {
        let path = CommandLine.arguments.first ?? ""
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? "app" : name
    }
}
