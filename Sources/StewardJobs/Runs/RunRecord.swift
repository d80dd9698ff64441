#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything known about one run: the row a journal stores and `steward run show` prints.
///
/// Instants are absolute `Date`s (UTC); ``zone`` names the IANA time zone of the schedule that
/// produced the run, for display.
public struct RunRecord: Sendable, Hashable {
    /// The run's identifier.
    public var runId: RunID
    /// The job definition it belongs to.
    public var jobId: JobID
    /// Why it exists.
    public var trigger: RunTrigger
    /// Where it is in its life.
    public var state: RunState
    /// When the record was created.
    public var createdAt: Date
    /// The instant it was meant to start: the schedule's fire, the requested time, the end of a
    /// retry backoff; `nil` for runs requested for "now".
    public var scheduledFor: Date?
    /// The IANA zone of the definition's schedule, when it has one.
    public var zone: String?
    /// When `execute` began.
    public var startedAt: Date?
    /// When the run reached a final state.
    public var finishedAt: Date?
    /// What the job last reported.
    public var progress: RunProgress
    /// A command's exit code.
    public var exitCode: Int32?
    /// The signal that killed a command.
    public var signal: Int32?
    /// Why the run failed, in one line.
    public var error: String?
    /// More about the failure (the tail of a command's stderr, a skipped run's reason).
    public var errorDetail: String?
    /// The run's input.
    public var input: JobValue
    /// What the run produced (an interrupted pipeline: the value its next step will receive).
    public var output: JobValue?
    /// The names of a pipeline's steps, in order; empty for other jobs.
    public var steps: [String]
    /// The last pipeline step that completed.
    public var lastCompletedStep: String?
    /// 1 for the first attempt, 2 for the first retry, …
    public var attempt: Int
    /// The run this one retries.
    public var retryOf: RunID?
    /// The run that launched this one.
    public var parentRunId: RunID?
    /// The interrupted run this one continues.
    public var proceedOf: RunID?
    /// The run that continued this interrupted one, once ``JobScheduler/proceed(_:extra:)`` was
    /// called (a run proceeds at most once).
    public var proceededBy: RunID?
    /// The node of a shared journal that runs or ran it (``SharedRunStore/node``); `nil` with a
    /// journal of one steward.
    public var node: String?

    /// Creates a record; everything not given is empty.
    public init(runId: RunID, jobId: JobID, trigger: RunTrigger, state: RunState = .queued, createdAt: Date,
                scheduledFor: Date? = nil, zone: String? = nil, input: JobValue = .null, attempt: Int = 1,
                retryOf: RunID? = nil, parentRunId: RunID? = nil, proceedOf: RunID? = nil) {
        self.runId = runId
        self.jobId = jobId
        self.trigger = trigger
        self.state = state
        self.createdAt = createdAt
        self.scheduledFor = scheduledFor
        self.zone = zone
        self.startedAt = nil
        self.finishedAt = nil
        self.progress = RunProgress()
        self.exitCode = nil
        self.signal = nil
        self.error = nil
        self.errorDetail = nil
        self.input = input
        self.output = nil
        self.steps = []
        self.lastCompletedStep = nil
        self.attempt = attempt
        self.retryOf = retryOf
        self.parentRunId = parentRunId
        self.proceedOf = proceedOf
        self.proceededBy = nil
        self.node = nil
    }

    /// Milliseconds from ``startedAt`` to ``finishedAt``, once both are known.
    public var durationMs: Int64? {
        guard let startedAt, let finishedAt else { return nil }
        return Int64((finishedAt.timeIntervalSince(startedAt) * 1000).rounded())
    }
}
