import Synchronization

/// Runs one lifecycle: startup by priority group, supervision, unwind. See `Lifecycle` for the
/// public contract; the phases live in extensions (`Startup`, `Supervision`, `Unwind`).
final class Engine: Sendable {
    struct ConfigLoad: Sendable {
        let title: String
        let load: @Sendable (ServiceContainer) -> [LifecycleError]
    }

    /// The components registered at build time, grouped by priority, ascending: what startup runs.
    let groups: [(priority: Int, members: [ComponentRuntime])]
    /// The current components: the registered ones, plus those added and minus those removed
    /// while running. The unwind stops and finalizes these.
    let membership: Mutex<[ComponentRuntime]>
    let configs: [ConfigLoad]
    let options: LifecycleOptions
    let clock: RunnerClock
    /// Every timeout of this run, on one sleeping task.
    let scheduler: DeadlineScheduler
    let health: HealthRegistry
    let services: ServiceContainer
    let bus = EventBus()
    /// Held while an event is logged and emitted, so both see events in one order. Logging never
    /// blocks (the output queue), so holding it costs nothing.
    let eventOrder = Mutex(())
    let logger: Logger

    /// Fires on the first shutdown request (signal, API, failure, completion).
    let shutdown = Latch()
    /// Fires when shutdown is forced (second signal or deadline): stop/shutdown waits end at once.
    let forced = Latch()
    /// Fires when the global deadline passes: the runner stops waiting for anything.
    let gaveUp = Latch()
    /// Fires once `run` has made its report.
    let reported = Latch()

    struct State {
        var errors: [RecordedError] = []
        /// Set when the shutdown deadline passed: from then on errors are logged, not reported, so
        /// the report is the same whatever the abandoned tasks do after it.
        var gaveUp: GaveUp?
        /// Set when `run` makes its report: the deadline can no longer be claimed.
        var reporting = false
        var cause: ShutdownCause?
        var started = false
        var startupComplete = false
        var activeRunnables = 0
        /// Batches of add/remove in progress: while any runs, "no runnable left" does not end
        /// the application (a reload removes before it adds).
        var reconfigurations = 0
        var deadlineTask: Task<Void, Never>?
        var signalToken: SignalListener.Token?
        var signalCount = 0
        var forcing = false
        /// Errors recorded after shutdown began (the unwind's own), for the exit code.
        var unwindErrors = 0
    }

    /// Whether shutdown has been requested: the cause is claimed before anything is announced or
    /// fired, so every decision taken after that point sees it.
    var isShuttingDown: Bool { state.withLock { $0.cause != nil } }

    let state = Mutex(State())

    init(runtimes: [ComponentRuntime], configs: [ConfigLoad], options: LifecycleOptions, health: HealthRegistry,
         services: ServiceContainer) {
        self.membership = Mutex(runtimes)
        self.configs = configs
        self.options = options
        self.clock = Self.makeClock(options.clock)
        self.scheduler = DeadlineScheduler(clock: clock)
        self.health = health
        self.services = services
        self.logger = options.logger
        groups = Self.grouped(runtimes)
    }

    private static func makeClock<C: Clock<Duration>>(_ clock: C) -> RunnerClock { RunnerClock(clock) }

    /// Components grouped by priority, ascending, registration order kept within a group.
    static func grouped(_ runtimes: [ComponentRuntime]) -> [(priority: Int, members: [ComponentRuntime])] {
        var byPriority: [Int: [ComponentRuntime]] = [:]
        for runtime in runtimes { byPriority[runtime.options.priority, default: []].append(runtime) }
        return byPriority.keys.sorted().map { ($0, byPriority[$0]!) }
    }

    /// The current components.
    var runtimes: [ComponentRuntime] { membership.withLock { $0 } }

    // MARK: Entry point

    func run() async -> LifecycleReport {
        let alreadyStarted = state.withLock { s in defer { s.started = true }; return s.started }
        if alreadyStarted {
            return LifecycleReport(errors: [LifecycleError(component: "lifecycle", phase: .run, kind: .failed,
                                                           underlying: LifecycleUsageError.alreadyRun)],
                                   cause: nil, abandoned: [])
        }
        startSignalHandling()
        let finished = Latch()
        let main = Task {
            await self.startup()
            await self.superviseUntilShutdown()
            await self.unwind()
            finished.fire()
        }
        // Cancelling the caller asks for a graceful shutdown; the report still waits for the unwind
        // (bounded by the deadline), so it never claims a clean end while components still run.
        await withTaskCancellationHandler {
            await Self.first(finished, gaveUp)
        } onCancel: {
            self.requestShutdown(.request)
        }
        if !finished.isFired {
            main.cancel()
        }
        return finish()
    }

    /// Waits until either latch fires (cancellation does not end the wait).
    static func first(_ a: Latch, _ b: Latch) async {
        let either = Latch()
        let ta = a.observe { either.fire() }
        let tb = b.observe { either.fire() }
        await either.waitIgnoringCancellation()
        a.removeObserver(ta)
        b.removeObserver(tb)
    }

    // MARK: Shutdown requests

    /// Starts the unwind (once). Makes the readiness key unhealthy before anything is stopped.
    ///
    /// The request is claimed under the lock and announced (readiness, event, log) *before* the
    /// latch fires: firing resumes the unwind on other threads at once, and nothing it emits may
    /// precede the `shutdown` milestone.
    func requestShutdown(_ cause: ShutdownCause) {
        let claimed = state.withLock { s -> Bool in
            guard s.cause == nil else { return false }
            s.cause = cause
            return true
        }
        guard claimed else { return }
        let start = clock.now
        if let key = options.readinessKey { try? health.update(key, healthy: false, reason: "shutting down") }
        eventOrder.withLock { _ in
            logger.notice("shutting down", metadata: ["cause": cause.description])
            bus.emit(LifecycleEvent(milestone: .shutdown, time: start, cause: cause))
        }
        if let deadline = options.shutdownDeadline {
            let task = Task {
                do { try await self.clock.sleep(until: start + deadline) } catch { return }
                self.giveUp(deadline: deadline)
            }
            state.withLock { $0.deadlineTask = task }
        }
        shutdown.fire()
    }

    /// Forces the shutdown: every run task is cancelled and stop/shutdown waits end at once.
    /// Announced before the latch fires, for the same reason as ``requestShutdown(_:)``.
    func force() {
        requestShutdown(.request)
        let claimed = state.withLock { s -> Bool in
            defer { s.forcing = true }
            return !s.forcing
        }
        guard claimed else { return }
        milestone(.forced)
        logger.warning("forcing shutdown: cancelling every task")
        forced.fire()
        for runtime in runtimes {
            let (run, backoff) = runtime.state.withLock { ($0.runTask, $0.backoffTask) }
            run?.cancel()
            backoff?.cancel()
        }
    }

    // MARK: Recording

    func emit(_ runtime: ComponentRuntime, _ phase: LifecyclePhase, _ outcome: LifecycleEvent.Outcome,
              error: LifecycleError? = nil, attempt: Int? = nil, delay: Duration? = nil) {
        if let error {
            record(error)
            runtime.state.withLock { $0.lastError = error.description }
        }
        // The log line and the event go out together: the log tells events in the order the
        // event stream does, even when components of a group report at the same moment.
        eventOrder.withLock { _ in
            if let error {
                runtime.logger.error("\(error)", metadata: ["phase": phase.description, "outcome": outcome.description])
            } else {
                runtime.logger.debug("\(phase) \(outcome)", metadata: ["phase": phase.description])
            }
            bus.emit(LifecycleEvent(component: runtime.name, phase: phase, outcome: outcome, time: clock.now, error: error,
                                    attempt: attempt, delay: delay))
        }
    }

    func milestone(_ milestone: LifecycleEvent.Milestone) {
        eventOrder.withLock { _ in
            logger.info("\(milestone)")
            bus.emit(LifecycleEvent(milestone: milestone, time: clock.now))
        }
    }
}

/// Misuse of the lifecycle API.
public struct LifecycleUsageError: Error, Sendable, CustomStringConvertible {
    private let message: String
    /// ``Lifecycle/run()`` was called a second time.
    public static let alreadyRun = LifecycleUsageError(message: "run() was already called on this lifecycle")
    public var description: String { message }
}
