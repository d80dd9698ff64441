import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A run as the control API serves it (`/runs`, `/runs/ID`, `steward runs --json`).
public struct RunBody: Codable, Sendable, Equatable {
    public var runId: String
    public var jobId: String
    public var state: String
    public var trigger: String
    public var requestedBy: String?
    public var createdAt: Date
    public var scheduledFor: Date?
    public var zone: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var durationMs: Int64?
    public var progressMessage: String?
    public var progressFraction: Double?
    public var exitCode: Int32?
    public var signal: Int32?
    public var error: String?
    public var errorDetail: String?
    public var input: String
    public var output: String?
    public var steps: [String]
    public var lastCompletedStep: String?
    public var attempt: Int
    public var retryOf: String?
    public var parentRunId: String?
    /// The node of a shared journal that runs or ran it; absent with a journal of one steward.
    public var node: String?

    /// Converts `record` (input and output as JSON text).
    public init(_ record: RunRecord) {
        runId = record.runId.rawValue
        jobId = record.jobId.rawValue
        state = record.state.name
        trigger = record.trigger.name
        requestedBy = record.trigger.requestedBy
        createdAt = record.createdAt
        scheduledFor = record.scheduledFor
        zone = record.zone
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        durationMs = record.durationMs
        progressMessage = record.progress.message
        progressFraction = record.progress.fraction
        exitCode = record.exitCode
        signal = record.signal
        error = record.error
        errorDetail = record.errorDetail
        input = record.input.jsonText
        output = record.output?.jsonText
        steps = record.steps
        lastCompletedStep = record.lastCompletedStep
        attempt = record.attempt
        retryOf = record.retryOf?.rawValue
        parentRunId = record.parentRunId?.rawValue
        node = record.node
    }
}

extension RunBody {
    /// The body without what only an operator may read: the stderr tail and the output.
    func redacted(unless permitted: Bool) -> RunBody {
        guard !permitted else { return self }
        var copy = self
        copy.errorDetail = errorDetail.map { _ in "(withheld: needs the control socket or the token)" }
        copy.output = nil
        return copy
    }
}

/// A job as `/jobs` serves it (`steward jobs`).
public struct JobBody: Codable, Sendable, Equatable {
    public var id: String
    public var description: String
    public var enabled: Bool
    public var schedule: String?
    public var zone: String?
    public var nextFire: Date?
    public var lastFired: Date?
    public var activeRuns: Int
    public var lastRun: RunBody?
    public var tags: [String]
    /// `true` when a runtime change (enable, disable, reschedule) overrides the config; absent otherwise.
    public var changedAtRuntime: Bool?

    /// Converts `summary`; `permitted` = may see the last run's stderr tail and output.
    public init(_ summary: JobSummary, permitted: Bool = true) {
        id = summary.id.rawValue
        description = summary.description
        enabled = summary.isEnabled
        schedule = summary.schedule
        zone = summary.zone
        nextFire = summary.nextFire
        lastFired = summary.lastFired
        activeRuns = summary.activeRuns
        lastRun = summary.lastRun.map { RunBody($0).redacted(unless: permitted) }
        tags = summary.tags
        changedAtRuntime = summary.hasRuntimeChanges ? true : nil
    }
}
