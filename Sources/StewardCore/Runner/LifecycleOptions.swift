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
    /// Where the runner logs. Default: stdout, level from `STEWARD_LOG_LEVEL` (info).
    public var logger: Logger
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
        self.logger = logger ?? Self.defaultLogger()
        self.readinessKey = readinessKey
        self.random = random
    }

    private static func defaultLogger() -> Logger {
        Logger.fromEnvironment(label: "steward", prefix: "STEWARD", environment: ProcessEnvironment.current).logger
    }
}
