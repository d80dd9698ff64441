import Synchronization

/// Where a component is in its life, as the runner sees it.
public struct ComponentStatus: Sendable, Hashable, CustomStringConvertible {
    private enum Value: Hashable {
        case registered, injected, initializing, initialized, failedInit, running, backingOff, stopping, stopped, exited, failed, finalized
    }
    private let value: Value
    /// Not touched yet.
    public static let registered = ComponentStatus(value: .registered)
    /// Services resolved.
    public static let injected = ComponentStatus(value: .injected)
    /// `initialize` in progress.
    public static let initializing = ComponentStatus(value: .initializing)
    /// `initialize` succeeded (initializers stay here until finalized).
    public static let initialized = ComponentStatus(value: .initialized)
    /// Inject or `initialize` failed, timed out or was cancelled.
    public static let failedInit = ComponentStatus(value: .failedInit)
    /// `run` in progress.
    public static let running = ComponentStatus(value: .running)
    /// `run` ended; waiting for the restart backoff.
    public static let backingOff = ComponentStatus(value: .backingOff)
    /// Asked to stop; `run` has not returned yet.
    public static let stopping = ComponentStatus(value: .stopping)
    /// `run` returned after the stop request.
    public static let stopped = ComponentStatus(value: .stopped)
    /// `run` returned early with early exit allowed.
    public static let exited = ComponentStatus(value: .exited)
    /// `run` failed for good.
    public static let failed = ComponentStatus(value: .failed)
    /// `finalize` done.
    public static let finalized = ComponentStatus(value: .finalized)

    public var description: String {
        switch value {
        case .registered: "registered"
        case .injected: "injected"
        case .initializing: "initializing"
        case .initialized: "initialized"
        case .failedInit: "init failed"
        case .running: "running"
        case .backingOff: "backing off"
        case .stopping: "stopping"
        case .stopped: "stopped"
        case .exited: "exited"
        case .failed: "failed"
        case .finalized: "finalized"
        }
    }
}

/// A point-in-time view of one component, for status pages.
public struct ComponentSnapshot: Sendable {
    /// The registered name.
    public var name: String
    /// The registered priority.
    public var priority: Int
    /// Whether it is a ``Runnable``.
    public var isRunnable: Bool
    /// Current status.
    public var status: ComponentStatus
    /// `run` attempts so far (0 if never run).
    public var attempts: Int
    /// Restarts so far.
    public var restarts: Int
    /// Clock time when the current or last `run` started.
    public var runStartedAt: Duration?
    /// The last error of this component, as text.
    public var lastError: String?
}

/// The runner's mutable record of one component.
final class ComponentRuntime: Sendable {
    struct State {
        var status = ComponentStatus.registered
        var initialized = false
        var stopRequested = false
        /// `stop` has been called (or is being called): a second unwind of the component (a
        /// reload's removal racing the shutdown) waits for `run` instead of calling it again.
        var stopCalled = false
        /// `finalize` has been called: it is never called twice.
        var finalizeCalled = false
        /// `initialize` was started and has not returned, though the runner may have given up on it
        /// (timed out or cancelled): then it is still running, abandoned, until ``initEnded`` fires.
        var initRunning = false
        /// When the runner gave up on `initialize` (its timeout, or the abort): the start of its
        /// cancellation grace.
        var initGivenUpAt: Duration?
        /// The unwind (or a removal) has reached this component's turn to finalize: an abandoned
        /// `initialize` that succeeds from now on is finalized at once, not in a turn to come.
        var finalizeTurnPassed = false
        var attempt = 0
        var restarts = 0
        var consecutiveRestarts = 0
        var restartTimes: [Duration] = []
        var runStartedAt: Duration?
        var runTask: Task<Void, Never>?
        var runEnded: Latch?
        var backoffTask: Task<Void, Never>?
        var lastError: String?
        /// Counted in the engine's active runnables (from its first run until it ends for good).
        var countedActive = false
    }

    let name: String
    let options: ComponentOptions
    let component: any Initializer
    let runnable: (any Runnable)?
    /// The optional phases whose call may do something; the runner skips the call of the others
    /// (not their events).
    let phases: ComponentPhases
    let services: ServiceContainer
    let sharedServices: ServiceContainer
    let logger: Logger
    let stopLatch = Latch()
    /// Fires when a started `initialize` returned or threw, in time or after it was abandoned.
    let initEnded = Latch()
    /// Fires when `run` ended for good on its own (early exit, or failed without restart).
    let endedForGood = Latch()
    let state = Mutex(State())

    init(name: String, options: ComponentOptions, component: any Initializer, services: ServiceContainer,
         sharedServices: ServiceContainer, logger: Logger) {
        self.sharedServices = sharedServices
        self.name = name
        self.options = options
        self.component = component
        self.runnable = component as? any Runnable
        self.phases = (component as? any DeclaredPhases)?.phases ?? .all
        self.services = services
        self.logger = logger
    }

    /// A runtime as the builder and the engine create it: a logger carrying the component's name
    /// and metadata, and an overlay of the shared container holding that logger.
    static func make(name: String, component: any Initializer, options: ComponentOptions, logger: Logger,
                     services: ServiceContainer) -> ComponentRuntime {
        var metadata = options.metadata
        metadata["component"] = name
        let logger = logger.with(metadata)
        let overlay = services.overlay()
        overlay.set(.logger, logger)
        return ComponentRuntime(name: name, options: options, component: component, services: overlay,
                                sharedServices: services, logger: logger)
    }

    func context(health: HealthRegistry, clock: RunnerClock, attempt: Int = 0) -> LifecycleContext {
        LifecycleContext(name: name, metadata: options.metadata, services: services, sharedServices: sharedServices, health: health,
                         logger: logger, attempt: attempt, stopLatch: stopLatch, clock: clock)
    }

    func snapshot() -> ComponentSnapshot {
        state.withLock { s in
            ComponentSnapshot(name: name, priority: options.priority, isRunnable: runnable != nil, status: s.status,
                              attempts: s.attempt, restarts: s.restarts, runStartedAt: s.runStartedAt, lastError: s.lastError)
        }
    }
}
