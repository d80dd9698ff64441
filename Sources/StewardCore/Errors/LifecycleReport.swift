/// Why the runner began to shut down.
public struct ShutdownCause: Sendable, Hashable, CustomStringConvertible {
    private enum Value: Hashable { case signal(Int32), request, failure, completed }
    private let value: Value

    /// A termination signal was received (the first of the graceful set).
    public static func signal(_ number: Int32) -> ShutdownCause { ShutdownCause(value: .signal(number)) }
    /// ``Lifecycle/requestShutdown()`` was called.
    public static let request = ShutdownCause(value: .request)
    /// A component failed (startup failure, or a critical runnable failed for good).
    public static let failure = ShutdownCause(value: .failure)
    /// Every runnable finished on its own (early exit) or there were none.
    public static let completed = ShutdownCause(value: .completed)

    /// The signal number, when the cause is a signal.
    public var signal: Int32? { if case .signal(let number) = value { number } else { nil } }

    public var description: String {
        switch value {
        case .signal(let number): "signal \(SignalName.name(of: number))"
        case .request: "shutdown requested"
        case .failure: "component failure"
        case .completed: "all runnables finished"
        }
    }
}

/// The outcome of ``Lifecycle/run()``: every error, and the exit code to use.
///
/// Exit codes:
/// | situation | code |
/// |---|---|
/// | no error, nothing abandoned (whatever triggered shutdown, including SIGTERM) | 0 |
/// | shutdown caused by signal n and the unwind itself was not clean (e.g. a stop timed out) | 128 + n (143) |
/// | the shutdown was forced (a second signal, or the shutdown deadline passed) | 3 (``forcedExitCode``) |
/// | any other error (config, startup, a failure before the signal) | 1 |
public struct LifecycleReport: Sendable, CustomStringConvertible {
    /// Every error collected, in the order they happened (errors of one phase at one instant, such
    /// as siblings timing out together, in registration order). After the shutdown deadline, the
    /// last is the deadline's (kind ``LifecycleError/Kind/deadline``), and nothing after it is
    /// collected.
    public var errors: [LifecycleError]
    /// What started the shutdown (`nil` only if the runner never got that far).
    public var cause: ShutdownCause?
    /// Components still running when the runner returned, in registration order: a `run` that
    /// did not return (after its shutdown timeout and the cancellation grace, or when the
    /// deadline passed), or an `initialize` the runner gave up on (init timeout, failed sibling,
    /// shutdown during startup) still running when its turn to be finalized passed. Such an
    /// initializer is still finalized if it succeeds later (see ``Initializer``).
    public var abandoned: [String]

    /// How many of `errors` happened during the unwind (after shutdown began).
    public var unwindErrorCount: Int

    /// Whether the shutdown was forced (a second signal, or the shutdown deadline): stop and
    /// shutdown waits were cut short, so the unwind is never clean, even if everything returned.
    public var forced: Bool

    /// The exit code of a forced shutdown: 3.
    public static let forcedExitCode: Int32 = 3

    /// Creates a report.
    public init(errors: [LifecycleError], cause: ShutdownCause?, abandoned: [String], unwindErrorCount: Int? = nil,
                forced: Bool = false) {
        self.errors = errors
        self.cause = cause
        self.abandoned = abandoned
        self.unwindErrorCount = unwindErrorCount ?? errors.count
        self.forced = forced
    }

    /// Whether the run and the unwind produced no error, left nothing running and were not forced.
    public var isClean: Bool { errors.isEmpty && abandoned.isEmpty && !forced }

    /// The process exit code, per the table above.
    public var exitCode: Int32 {
        if isClean { return 0 }
        if forced { return Self.forcedExitCode }
        if let signal = cause?.signal, errors.count == unwindErrorCount { return 128 + signal }
        return 1
    }

    /// The first line names the outcome and, for a forced shutdown, what forced it when that was
    /// the deadline: `lifecycle was forced (shutdown deadline of 30s passed) with 2 error(s) after
    /// signal SIGTERM, exit code 3`; then one line per error and the abandoned components.
    public var description: String {
        let deadline = errors.last { $0.kind == .deadline }
        let forcedBy = deadline.map { " (shutdown deadline\($0.limit.map { " of \($0.compactDescription)" } ?? "") passed)" } ?? ""
        let outcome = forced ? "was forced" + forcedBy + (errors.isEmpty ? "" : " with \(errors.count) error(s)")
            : isClean ? "ended cleanly"
            : errors.isEmpty ? "ended with abandoned components" : "ended with \(errors.count) error(s)"
        var lines = ["lifecycle \(outcome)" + (cause.map { " after \($0)" } ?? "") + ", exit code \(exitCode)"]
        lines += errors.map { "  - \($0)" }
        if !abandoned.isEmpty { lines.append("  abandoned: \(abandoned.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
