/// Thrown by a pipeline step to pause its run: the run ends `interrupted` with `output` as its
/// output, the step counts as completed, and ``JobScheduler/proceed(_:extra:)`` later starts a
/// run that continues with the next step (receiving `output` as its input and the proceed call's
/// `extra` as ``JobContext/proceedExtra``).
///
/// ```swift
/// .step("await approval") { context in
///     throw JobInterrupt(output: context.input, reason: "waiting for a human")
/// }
/// ```
public struct JobInterrupt: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value the next step receives when the run proceeds.
    public var output: JobValue
    /// Why the run paused; written to the run's log.
    public var reason: String

    /// Creates an interruption.
    public init(output: JobValue = .null, reason: String = "interrupted") {
        self.output = output
        self.reason = reason
    }

    /// `"interrupted: <reason>"`.
    public var description: String { "interrupted: \(reason)" }
}
