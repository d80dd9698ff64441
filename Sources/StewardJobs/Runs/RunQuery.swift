#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which runs to read: every filter given must match. Results come newest first (by creation).
public struct RunQuery: Sendable, Hashable {
    /// Only runs of this job.
    public var jobId: JobID?
    /// Only runs in one of these states.
    public var states: Set<RunState>?
    /// Only runs created at or after this instant.
    public var since: Date?
    /// Only children of this run.
    public var parentRunId: RunID?
    /// At most this many runs (the newest).
    public var limit: Int?
    /// Only runs of one of these jobs (an empty set matches nothing): how a tag becomes a filter,
    /// as the ids of the jobs carrying it.
    public var jobIds: Set<JobID>? = nil
    /// Only runs after this one in the newest-first order (older than it): the cursor of the
    /// next page, the last run id of the page before. A store that does not know the run
    /// returns no runs. Not checked by ``matches(_:)`` (it is about order, not the record).
    public var before: RunID?

    /// Creates a query; with no arguments it matches every run.
    public init(jobId: JobID? = nil, states: Set<RunState>? = nil, since: Date? = nil, parentRunId: RunID? = nil,
                limit: Int? = nil, before: RunID? = nil) {
        self.before = before
        self.jobId = jobId
        self.states = states
        self.since = since
        self.parentRunId = parentRunId
        self.limit = limit
    }

    /// Whether `record` passes the filters (``limit`` aside).
    public func matches(_ record: RunRecord) -> Bool {
        if let jobId, record.jobId != jobId { return false }
        if let jobIds, !jobIds.contains(record.jobId) { return false }
        if let states, !states.contains(record.state) { return false }
        if let since, record.createdAt < since { return false }
        if let parentRunId, record.parentRunId != parentRunId { return false }
        return true
    }
}
