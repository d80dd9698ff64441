#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an operator asks for a run: input, a later instant, a parent run, the run it retries.
public struct RunRequest: Sendable {
    /// The run's input (``JobContext/input``; a command job gets it as JSON in `STEWARD_INPUT`).
    public var input: JobValue
    /// Run at this instant instead of now; must be in the future.
    public var at: Date?
    /// The run this one belongs to (``RunRecord/parentRunId``). While the parent runs here, the
    /// new run is its child (stopped with it); otherwise the link is only recorded.
    public var parent: RunID?
    /// The run this one re-runs (``RunRecord/retryOf``).
    public var retryOf: RunID?
    /// Who asked (a user name, `"http"`).
    public var requestedBy: String?

    /// Creates a request; with no arguments it is "run now, no input".
    public init(input: JobValue = .null, at: Date? = nil, parent: RunID? = nil, retryOf: RunID? = nil, requestedBy: String? = nil) {
        self.input = input
        self.at = at
        self.parent = parent
        self.retryOf = retryOf
        self.requestedBy = requestedBy
    }
}

/// The operator's requests behind `steward trigger`, `steward run retry` and every command that
/// takes a run id (a unique prefix of it).
extension JobScheduler {
    /// Runs a job now or later, as `request` says. The record is durable when this returns; a
    /// run now went through the overlap policy (`queued`, `running` or `skipped`), a run later is
    /// `queued` with `scheduledFor`.
    /// - Throws: ``JobSchedulerError`` `unknownJob`; `unknownRun` for a parent that does not
    ///   exist; `invalidRequest` for an instant not in the future; `notRunning`.
    @discardableResult
    public func submit(_ jobId: JobID, _ request: RunRequest) async throws(JobSchedulerError) -> RunID {
        let now = clock.now
        if let at = request.at, at <= now {
            throw JobSchedulerError(.invalidRequest, "at: \(InstantText.format(at)) is not in the future (now \(InstantText.format(now)))")
        }
        _ = try state.withLock { s throws(JobSchedulerError) in try Self.accepting(jobId, in: s) }
        if let parent = request.parent {
            if request.at == nil, request.retryOf == nil, let handle = liveHandle(parent), !handle.record.state.isFinal {
                return try await launchChild(of: handle, jobId: jobId, input: request.input, join: false).runId
            }
            guard try await run(parent) != nil else { throw JobSchedulerError(.unknownRun, "parent: no run \(parent)") }
        }
        if let shared {  // any node may run it (a child of a run here went through launchChild above)
            return try await requestShared(shared, jobId, at: request.at, input: request.input, requestedBy: request.requestedBy,
                                           retryOf: request.retryOf, parent: request.parent)
        }
        if let at = request.at {
            let handle = try state.withLock { s throws(JobSchedulerError) -> RunHandle in
                let entry = try Self.accepting(jobId, in: s)
                let record = RunRecord(runId: .make(), jobId: jobId, trigger: .later(requestedBy: request.requestedBy), createdAt: now,
                                       scheduledFor: at, zone: entry.definition.zone, input: request.input,
                                       retryOf: request.retryOf, parentRunId: request.parent)
                let handle = makeHandle(record, entry.definition)
                s.handles[handle.runId] = handle
                s.placements[handle.runId] = .later(at)
                return handle
            }
            launch(handle)
            doorbell.yield()
            await handle.durable.waitIgnoringCancellation()
            return handle.runId
        }
        let (handle, admission) = try state.withLock { s throws(JobSchedulerError) -> (RunHandle, SchedulerState.Admission) in
            let entry = try Self.accepting(jobId, in: s)
            let record = RunRecord(runId: .make(), jobId: jobId, trigger: .manual(requestedBy: request.requestedBy), createdAt: now,
                                   zone: entry.definition.zone, input: request.input, retryOf: request.retryOf,
                                   parentRunId: request.parent)
            let handle = makeHandle(record, entry.definition)
            return (handle, s.admit(handle))
        }
        settle(handle, admission)
        launch(handle)
        await handle.durable.waitIgnoringCancellation()
        return handle.runId
    }

    /// Runs a run's job again now with the same input; the new run records `retryOf` = `runId`.
    /// - Throws: ``JobSchedulerError`` `unknownRun`, `unknownJob` (the job is no longer
    ///   defined), `notRunning`.
    @discardableResult
    public func retry(_ runId: RunID, requestedBy: String? = nil) async throws(JobSchedulerError) -> RunID {
        guard let record = try await run(runId) else { throw JobSchedulerError(.unknownRun, "no run \(runId)") }
        return try await submit(record.jobId, RunRequest(input: record.input, retryOf: record.runId, requestedBy: requestedBy))
    }

    /// The run whose id is `text`, or the one run whose id starts with it.
    /// - Throws: ``JobSchedulerError`` `unknownRun` when none matches; `ambiguousRun` naming the
    ///   matches when several do; `journal`.
    public func findRun(_ text: String) async throws(JobSchedulerError) -> RunRecord {
        if !text.isEmpty, let exact = try await run(RunID(text)) { return exact }
        var ids = lifecycle.withLock { Array($0.live.keys) }
        if !text.isEmpty {
            do throws(RunStoreError) {
                ids += try await store.runIds(startingWith: text, limit: RunIDPrefix.lookupLimit)
            } catch {
                throw JobSchedulerError(.journal, "\(error)")
            }
        }
        let first: RunID
        switch RunIDPrefix.match(text, among: ids) {
        case .one(let id): first = id
        case .none: throw JobSchedulerError(.unknownRun, "no run \(text)")
        case .ambiguous(let message): throw JobSchedulerError(.ambiguousRun, message)
        }
        guard let record = try await run(first) else { throw JobSchedulerError(.unknownRun, "no run \(text)") }
        return record
    }
}
