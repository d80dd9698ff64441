/// What a store found of a previous instance when a scheduler started
/// (``RunStore/recoverRuns(reason:at:)``).
public struct RunRecovery: Sendable, Hashable {
    /// Runs left `running`: their process is gone, so they are now `crashed`, with the reason as
    /// their error.
    public var crashed: [RunRecord]
    /// Runs left `queued` (requests that had not started: run now, run later, a retry waiting out
    /// its backoff): still `queued`, for the scheduler to run once.
    public var queued: [RunRecord]

    /// Creates a recovery report.
    public init(crashed: [RunRecord] = [], queued: [RunRecord] = []) {
        self.crashed = crashed
        self.queued = queued
    }
}
