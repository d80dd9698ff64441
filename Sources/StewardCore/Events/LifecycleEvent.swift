/// One observable transition of the lifecycle.
///
/// Component events name the component and the phase; runner events (`component == nil`) mark the
/// application as a whole: startup of a priority group, readiness, shutdown start, the end.
public struct LifecycleEvent: Sendable, CustomStringConvertible {
    /// What happened. A struct wrapping a private enum so outcomes can be added later.
    public struct Outcome: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Hashable {
            case started, succeeded, failed, timedOut, cancelled, skipped, restarting, exited
        }
        private let value: Value
        /// The phase began.
        public static let started = Outcome(value: .started)
        /// The phase finished successfully (for `.ready`: the component became healthy).
        public static let succeeded = Outcome(value: .succeeded)
        /// The phase failed (see ``LifecycleEvent/error``).
        public static let failed = Outcome(value: .failed)
        /// The phase hit its timeout.
        public static let timedOut = Outcome(value: .timedOut)
        /// The phase was abandoned because shutdown began (or was forced).
        public static let cancelled = Outcome(value: .cancelled)
        /// The phase was not needed (e.g. no stop for a runnable that already exited).
        public static let skipped = Outcome(value: .skipped)
        /// `run` ended and will be started again after ``LifecycleEvent/delay``.
        public static let restarting = Outcome(value: .restarting)
        /// `run` returned on its own and early exit was allowed.
        public static let exited = Outcome(value: .exited)

        public var description: String {
            switch value {
            case .started: "started"
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .timedOut: "timed out"
            case .cancelled: "cancelled"
            case .skipped: "skipped"
            case .restarting: "restarting"
            case .exited: "exited"
            }
        }
    }

    /// The runner-level milestones (events with no component).
    public struct Milestone: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Hashable { case groupStarting(Int), groupReady(Int), ready, shutdown, forced, finished }
        private let value: Value
        /// A priority group begins inject/init.
        public static func groupStarting(_ priority: Int) -> Milestone { Milestone(value: .groupStarting(priority)) }
        /// Every runnable of a priority group is healthy.
        public static func groupReady(_ priority: Int) -> Milestone { Milestone(value: .groupReady(priority)) }
        /// Every group started: the application is ready.
        public static let ready = Milestone(value: .ready)
        /// Shutdown began (see ``LifecycleEvent/cause``).
        public static let shutdown = Milestone(value: .shutdown)
        /// Shutdown was forced (second signal): every task cancelled.
        public static let forced = Milestone(value: .forced)
        /// The runner finished.
        public static let finished = Milestone(value: .finished)

        public var description: String {
            switch value {
            case .groupStarting(let p): "group \(p) starting"
            case .groupReady(let p): "group \(p) ready"
            case .ready: "ready"
            case .shutdown: "shutdown"
            case .forced: "forced shutdown"
            case .finished: "finished"
            }
        }
    }

    /// The component concerned, or `nil` for a runner milestone.
    public var component: String?
    /// The component's phase (for component events).
    public var phase: LifecyclePhase?
    /// The outcome (for component events).
    public var outcome: Outcome?
    /// The runner milestone (for runner events).
    public var milestone: Milestone?
    /// The injected clock's time since the runner was created.
    public var time: Duration
    /// The error, for failures and timeouts.
    public var error: LifecycleError?
    /// The `run` attempt (1 for the first run, 2 after the first restart, …).
    public var attempt: Int?
    /// The backoff before a restart.
    public var delay: Duration?
    /// Why shutdown began, for the `.shutdown` milestone.
    public var cause: ShutdownCause?

    /// Creates an event.
    public init(component: String? = nil, phase: LifecyclePhase? = nil, outcome: Outcome? = nil, milestone: Milestone? = nil,
                time: Duration, error: LifecycleError? = nil, attempt: Int? = nil, delay: Duration? = nil, cause: ShutdownCause? = nil) {
        self.component = component
        self.phase = phase
        self.outcome = outcome
        self.milestone = milestone
        self.time = time
        self.error = error
        self.attempt = attempt
        self.delay = delay
        self.cause = cause
    }

    /// `"web run started"`, `"group 2 ready"`, …
    public var description: String {
        if let milestone { return milestone.description + (cause.map { " (\($0))" } ?? "") }
        var text = "\(component ?? "?") \(phase?.description ?? "?") \(outcome?.description ?? "?")"
        if let delay { text += " in \(delay.compactDescription)" }
        if let error { text += ": \(error)" }
        return text
    }
}
