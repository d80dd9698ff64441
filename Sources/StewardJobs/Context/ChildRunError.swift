/// A child run launched with ``JobContext/runChild(_:input:awaiting:surviveFailure:)`` failed the
/// parent: it ended in another state than `succeeded`, or could not be launched.
public struct ChildRunError: Error, Sendable, Hashable, CustomStringConvertible, JobErrorDetails {
    /// The child's record when it exists (final for a child that ran).
    public var child: RunRecord?
    /// Why.
    public var message: String

    /// Creates an error.
    public init(child: RunRecord?, message: String) {
        self.child = child
        self.message = message
    }

    /// A readable one-line description.
    public var description: String { message }

    /// The child's error and state, for the parent's `errorDetail`.
    public var detail: String? {
        guard let child else { return nil }
        return "child run \(child.runId) (\(child.jobId)) ended \(child.state)" + (child.error.map { ": \($0)" } ?? "")
    }
}
