#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A run's progress as ``JobScheduler/progressChanges(bufferingPolicy:)`` hands it out: at most
/// ten per second per run, the latest value winning.
public struct RunProgressUpdate: Sendable, Hashable {
    /// The run.
    public var runId: RunID
    /// Its job.
    public var jobId: JobID
    /// The run's progress (message and fraction) at ``at``.
    public var progress: RunProgress
    /// When it was reported (the scheduler's clock).
    public var at: Date

    /// Creates an update.
    public init(runId: RunID, jobId: JobID, progress: RunProgress, at: Date) {
        self.runId = runId
        self.jobId = jobId
        self.progress = progress
        self.at = at
    }
}
