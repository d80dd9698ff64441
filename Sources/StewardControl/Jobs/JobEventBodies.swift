import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `/events`' `event: progress`: a run's progress, at most 10 a second per run (the latest value
/// wins; the last one always comes, before the run's final `event: run`).
public struct ProgressEventBody: Codable, Sendable, Equatable {
    /// The run.
    public var runId: String
    /// Its job.
    public var job: String
    /// 0 to 100; `nil` when only a message was reported.
    public var percent: Double?
    /// The progress message, if any.
    public var message: String?
    /// When it was reported.
    public var at: Date

    /// Converts an update.
    public init(_ update: RunProgressUpdate) {
        runId = update.runId.rawValue
        job = update.jobId.rawValue
        percent = update.progress.fraction.map { $0 * 100 }
        message = update.progress.message
        at = update.at
    }
}

/// `/events`' `event: job`: a ``JobBody`` (as `/jobs` serves it, after the change; before it for a
/// removal) with one more member, `change`: `defined`, `removed`, `enabled`, `disabled` or
/// `rescheduled`.
public struct JobEventBody: Encodable, Sendable {
    /// What happened.
    public var change: String
    /// The job.
    public var job: JobBody

    /// Converts a change; `permitted` = may see the last run's stderr tail and output.
    public init(_ change: JobChange, permitted: Bool) {
        self.change = change.kind.name
        job = JobBody(change.job, permitted: permitted)
    }

    private enum CodingKeys: String, CodingKey { case change }

    /// The job's members and `change`, in one object.
    public func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(change, forKey: .change)
    }
}
