/// A pipeline step failed; later steps did not run. The run's error names the step.
public struct PipelineStepError: Error, Sendable, CustomStringConvertible, JobErrorDetails {
    /// The failing step's name.
    public var step: String
    /// Its 0-based position.
    public var index: Int
    /// What it threw.
    public var underlying: any Error
    /// The message; by default `step "NAME" failed: ERROR`.
    public var message: String

    /// Creates an error.
    public init(step: String, index: Int, underlying: any Error, message: String? = nil) {
        self.step = step
        self.index = index
        self.underlying = underlying
        self.message = message ?? "step \"\(step)\" failed: \(underlying)"
    }

    /// A readable one-line description.
    public var description: String { message }

    /// The underlying error's exit code, if it has one.
    public var exitCode: Int32? { (underlying as? any JobErrorDetails)?.exitCode }
    /// The underlying error's signal, if it has one.
    public var signal: Int32? { (underlying as? any JobErrorDetails)?.signal }
    /// The underlying error's detail, if it has one.
    public var detail: String? { (underlying as? any JobErrorDetails)?.detail }
    /// Whether the underlying failure is a crash.
    public var isCrash: Bool { (underlying as? any JobErrorDetails)?.isCrash ?? false }
}
