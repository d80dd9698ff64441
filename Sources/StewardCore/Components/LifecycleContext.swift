/// What a component receives in each phase: its identity, its services, the shared health registry,
/// its logger, and the stop request.
public struct LifecycleContext: Sendable {
    /// The component's registered name.
    public let name: String
    /// The component's registered metadata.
    public let metadata: [String: String]
    /// The component's overlay of the service container: resolve from here (it sees the shared
    /// entries plus this component's own, such as its logger).
    public let services: ServiceContainer
    /// The application's root container: register here what later components should resolve
    /// (an initializer publishing its connection pool, for example).
    public let sharedServices: ServiceContainer
    /// The application's single health registry.
    public let health: HealthRegistry
    /// A logger labelled with the component's name and carrying its metadata.
    public let logger: Logger
    /// The `run` attempt: 1 for the first run, 2 after the first restart (0 outside `run`).
    public let attempt: Int
    let stopLatch: Latch
    let clock: RunnerClock

    init(name: String, metadata: [String: String], services: ServiceContainer, sharedServices: ServiceContainer,
         health: HealthRegistry, logger: Logger, attempt: Int, stopLatch: Latch, clock: RunnerClock) {
        self.clock = clock
        self.name = name
        self.metadata = metadata
        self.services = services
        self.sharedServices = sharedServices
        self.health = health
        self.logger = logger
        self.attempt = attempt
        self.stopLatch = stopLatch
    }

    /// Whether the runner has asked this component to stop.
    public var isStopRequested: Bool { stopLatch.isFired }

    /// Returns once this component is asked to stop, or when the calling task is cancelled.
    public func untilStopRequested() async { await stopLatch.wait() }

    /// Sleeps for `duration` on the lifecycle's clock, or less if this component is asked to stop
    /// or the task is cancelled. Returns `true` if the full duration passed, `false` if it was cut
    /// short: the shape of a periodic loop is `while await context.sleep(for: interval) { work() }`.
    /// The result may be ignored (a plain pause, `await context.sleep(for: .seconds(1))`).
    @discardableResult
    public func sleep(for duration: Duration) async -> Bool {
        guard !stopLatch.isFired else { return false }
        let deadline = clock.now + duration
        let (clock, latch) = (self.clock, stopLatch)
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do { try await clock.sleep(until: deadline); return true } catch { return false }
            }
            group.addTask {
                await latch.wait()
                return false
            }
            let elapsed = await group.next() ?? false
            group.cancelAll()
            return elapsed && !Task.isCancelled
        }
    }

    /// Marks one of this component's health keys healthy or unhealthy.
    /// - Throws: ``HealthError`` if the key is not registered.
    public func setHealth(_ key: HealthKey, healthy: Bool, reason: String? = nil) throws(HealthError) {
        try health.update(key, healthy: healthy, reason: reason)
    }
}
