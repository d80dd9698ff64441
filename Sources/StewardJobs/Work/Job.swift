/// The work of a job definition: called once per run with the run's context.
///
/// Return the run's output (``JobValue/null`` when there is none) or throw to fail the run.
/// Honour stop requests: check ``JobContext/isStopRequested`` or call
/// ``JobContext/checkCancellation()`` between units of work (task cancellation is also
/// requested). A job that ignores a stop is abandoned after the definition's grace period and its
/// run recorded `killed`; command jobs are killed for real (SIGKILL to their process group).
///
/// ```swift
/// struct Cleanup: Job {
///     func execute(_ context: JobContext) async throws -> JobValue {
///         for (index, file) in files.enumerated() {
///             try context.checkCancellation()
///             try remove(file)
///             context.reportProgress("removed \(file)", fraction: Double(index + 1) / Double(files.count))
///         }
///         return ["removed": .int(files.count)]
///     }
/// }
/// ```
public protocol Job: Sendable {
    /// Does one run's work.
    func execute(_ context: JobContext) async throws -> JobValue
}

/// A job made of a closure.
public struct ClosureJob: Job {
    private let body: @Sendable (JobContext) async throws -> JobValue

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (JobContext) async throws -> JobValue) {
        self.body = body
    }

    /// Calls the closure.
    public func execute(_ context: JobContext) async throws -> JobValue {
        try await body(context)
    }
}
