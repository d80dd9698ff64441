/// What a component receives in each phase: its identity, its services, the shared health registry,
/// its logger, and the stop request.
public struct LifecycleContext: Sendable {
    /// The component's registered name.
    public let name: String
    /// The component's registered metadata.
    public let metadata: [String: String]
    /// The component's overlay of the service container.
    public let services: ServiceContainer
    /// The application's single health registry.
    public let health: HealthRegistry
    /// A logger labelled with the component's name and carrying its metadata.
    public let logger: Logger
    /// The `run` attempt: 1 for the first run, 2 after the first restart (0 outside `run`).
    public let attempt: Int
    let stopLatch: Latch

    init(name: String, metadata: [String: String], services: ServiceContainer, health: HealthRegistry,
         logger: Logger, attempt: Int, stopLatch: Latch) {
        self.name = name
        self.metadata = metadata
        self.services = services
        self.health = health
        self.logger = logger
        self.attempt = attempt
        self.stopLatch = stopLatch
    }

    /// Whether the runner has asked this component to stop.
    public var isStopRequested: Bool { stopLatch.isFired }

    /// Returns once this component is asked to stop, or when the calling task is cancelled.
    public func untilStopRequested() async { await stopLatch.wait() }

    /// Marks one of this component's health keys healthy or unhealthy.
    /// - Throws: ``HealthError`` if the key is not registered.
    public func setHealth(_ key: HealthKey, healthy: Bool, reason: String? = nil) throws(HealthError) {
        try health.update(key, healthy: healthy, reason: reason)
    }
}
