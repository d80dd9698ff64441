/// How the runner treats one registered component. Every field has a documented default, so a call
/// site names only what differs: `.init(priority: 2, healthKeys: ["web"], startupTimeout: .seconds(5))`.
public struct ComponentOptions: Sendable {
    /// Startup order: lower priorities start first, negatives allowed; equal priorities form a
    /// group that initializes concurrently. Default 0.
    public var priority: Int
    /// Free-form metadata, added to the component's logger and events. Default empty.
    public var metadata: [String: String]
    /// Health keys the runner registers for this component and waits for after `run` starts.
    /// Without keys a runnable is ready as soon as `run` started. Default none.
    public var healthKeys: [HealthKey]
    /// Limit on `initialize`. Default none.
    public var initTimeout: Duration?
    /// Limit from `run` start to all health keys healthy; not reset by health changes. Default none.
    public var startupTimeout: Duration?
    /// Limit on the `stop` call. Default 10 s.
    public var stopTimeout: Duration?
    /// Limit from `stop` done to `run` returned; past it the run task is cancelled. Default 10 s.
    public var shutdownTimeout: Duration?
    /// Limit on `finalize`. Default 10 s.
    public var finalizeTimeout: Duration?
    /// Whether `run` may return before shutdown without it being an error. Default `false`.
    public var allowsEarlyExit: Bool
    /// What happens when `run` ends on its own. Default ``RestartPolicy/never``.
    public var restart: RestartPolicy
    /// Whether failing for good shuts the application down. Default `true`.
    public var isCritical: Bool
    /// Entries added to this component's overlay container before inject. Default none.
    public var overlay: (@Sendable (ServiceContainer) throws -> Void)?

    /// Creates options; every parameter has the default documented on its property.
    public init(priority: Int = 0, metadata: [String: String] = [:], healthKeys: [HealthKey] = [],
                initTimeout: Duration? = nil, startupTimeout: Duration? = nil,
                stopTimeout: Duration? = .seconds(10), shutdownTimeout: Duration? = .seconds(10),
                finalizeTimeout: Duration? = .seconds(10), allowsEarlyExit: Bool = false,
                restart: RestartPolicy = .never, isCritical: Bool = true,
                overlay: (@Sendable (ServiceContainer) throws -> Void)? = nil) {
        self.priority = priority
        self.metadata = metadata
        self.healthKeys = healthKeys
        self.initTimeout = initTimeout
        self.startupTimeout = startupTimeout
        self.stopTimeout = stopTimeout
        self.shutdownTimeout = shutdownTimeout
        self.finalizeTimeout = finalizeTimeout
        self.allowsEarlyExit = allowsEarlyExit
        self.restart = restart
        self.isCritical = isCritical
        self.overlay = overlay
    }
}
