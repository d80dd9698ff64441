/// Where a run is in its life:
/// `queued → running → succeeded | failed | stopped | killed | timedOut | crashed`, plus
/// `interrupted` (a pipeline paused, see ``JobInterrupt``), `skipped` (refused by the overlap
/// policy) and `missed` (a fire lost to a misfire policy).
///
/// A struct wrapping a private enum so states can be added without breaking client code; the
/// journal stores ``name``.
public struct RunState: Sendable, Hashable, CustomStringConvertible, CaseIterable {
    enum Value: String, Hashable, CaseIterable {
        case queued, running, succeeded, failed, stopped, killed, timedOut, crashed, interrupted, skipped, missed
    }

    let value: Value

    /// Waiting: for its time, a worker, the active run of its job, or a retry backoff.
    public static let queued = RunState(.queued)
    /// `execute` is in progress.
    public static let running = RunState(.running)
    /// `execute` returned.
    public static let succeeded = RunState(.succeeded)
    /// `execute` threw (or a command exited non-zero).
    public static let failed = RunState(.failed)
    /// Stopped on request; the work ended within the grace period.
    public static let stopped = RunState(.stopped)
    /// Stopped on request; the work outlived the grace period and was killed (command jobs) or
    /// abandoned (Swift code that ignores cancellation).
    public static let killed = RunState(.killed)
    /// The run's time limit passed; it was stopped like a stop request.
    public static let timedOut = RunState(.timedOut)
    /// The work died abnormally: a command killed by a signal nobody sent, or a run the previous
    /// supervisor instance left active (reason `supervisor restart`).
    public static let crashed = RunState(.crashed)
    /// A pipeline step paused the run; ``JobScheduler/proceed(_:extra:)`` continues it.
    public static let interrupted = RunState(.interrupted)
    /// Not started: a run of the job was active and its overlap policy refused this one.
    public static let skipped = RunState(.skipped)
    /// Not started: a fire lost to the `skip` misfire policy (or beyond a `runAll` cap).
    public static let missed = RunState(.missed)

    /// Every state, in the order above.
    public static let allCases: [RunState] = Value.allCases.map(RunState.init)

    private init(_ value: Value) { self.value = value }

    /// Parses a ``name``; `nil` for an unknown one.
    public init?(name: String) {
        guard let value = Value(rawValue: name) else { return nil }
        self.value = value
    }

    /// The state's name: `queued`, `running`, `succeeded`, `failed`, `stopped`, `killed`,
    /// `timedOut`, `crashed`, `interrupted`, `skipped`, `missed`.
    public var name: String { value.rawValue }

    /// The same as ``name``.
    public var description: String { name }

    /// Whether the run can still change state (`queued` or `running`).
    public var isActive: Bool { value == .queued || value == .running }

    /// Whether the run has ended (every state but `queued` and `running`).
    public var isFinal: Bool { !isActive }

    /// Whether the run ended in a way a retry policy retries: `failed`, `timedOut`, `crashed`.
    public var isRetryable: Bool { value == .failed || value == .timedOut || value == .crashed }
}
