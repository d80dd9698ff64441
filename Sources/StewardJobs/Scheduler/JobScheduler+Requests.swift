#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

extension JobScheduler {
    /// Runs a job now. The overlap policy decides atomically: the returned run is `queued` or
    /// `running` — or already `skipped` when the policy refused it. The record is durable when
    /// this returns.
    ///
    /// With `parent`, the run is linked to that run (its ``RunRecord/parentRunId``), as a command
    /// job's `steward trigger JOB --parent "$STEWARD_RUN_ID"` does: while the parent is active,
    /// stopping it stops this run too; the parent does not wait for it.
    /// - Throws: ``JobSchedulerError`` `unknownJob`, `notRunning`, `unknownRun` (no run `parent`).
    @discardableResult
    public func trigger(_ jobId: JobID, input: JobValue = .null, requestedBy: String? = nil,
                        parent: RunID? = nil) async throws(JobSchedulerError) -> RunID {
        let parentHandle = try await linkableParent(parent)
        let now = clock.now
        if let shared, parentHandle == nil {  // any node may run it
            return try await requestShared(shared, jobId, at: nil, input: input, requestedBy: requestedBy, parent: parent)
        }
        let (handle, admission) = try state.withLock { s throws(JobSchedulerError) -> (RunHandle, SchedulerState.Admission) in
            let entry = try Self.accepting(jobId, in: s)
            let record = RunRecord(runId: .make(), jobId: jobId, trigger: .manual(requestedBy: requestedBy), createdAt: now,
                                   zone: entry.definition.zone, input: input, parentRunId: parent)
            let handle = makeHandle(record, entry.definition)
            return (handle, s.admit(handle))
        }
        parentHandle?.addChild(handle, join: false)
        settle(handle, admission)
        launch(handle)
        if parentHandle?.stopLatch.isFired == true { requestStop(handle.runId, reason: .parent) }
        await handle.durable.waitIgnoringCancellation()
        return handle.runId
    }

    /// Runs a job at `instant` (wall clock). The `queued` record (with `scheduledFor`) is durable
    /// when this returns; at its time the run goes through the overlap policy like any trigger.
    /// An instant already passed runs at once. `parent` links the run as in
    /// ``trigger(_:input:requestedBy:parent:)``.
    /// - Throws: ``JobSchedulerError`` `unknownJob`, `notRunning`, `unknownRun` (no run `parent`).
    @discardableResult
    public func schedule(_ jobId: JobID, at instant: Date, input: JobValue = .null,
                         requestedBy: String? = nil, parent: RunID? = nil) async throws(JobSchedulerError) -> RunID {
        let parentHandle = try await linkableParent(parent)
        let now = clock.now
        if let shared, parentHandle == nil {  // queued in the database until its time; any node may run it
            return try await requestShared(shared, jobId, at: instant, input: input, requestedBy: requestedBy, parent: parent)
        }
        let handle = try state.withLock { s throws(JobSchedulerError) -> RunHandle in
            let entry = try Self.accepting(jobId, in: s)
            let record = RunRecord(runId: .make(), jobId: jobId, trigger: .later(requestedBy: requestedBy), createdAt: now,
                                   scheduledFor: instant, zone: entry.definition.zone, input: input, parentRunId: parent)
            let handle = makeHandle(record, entry.definition)
            s.handles[handle.runId] = handle
            s.placements[handle.runId] = .later(instant)
            return handle
        }
        parentHandle?.addChild(handle, join: false)
        launch(handle)
        if parentHandle?.stopLatch.isFired == true { requestStop(handle.runId, reason: .parent) }
        doorbell.yield()
        await handle.durable.waitIgnoringCancellation()
        return handle.runId
    }

    /// Stops a run: one waiting (for its time, a worker, its job, a retry backoff) ends `stopped`
    /// at once; a running one is asked to stop (its context reports it and its task is
    /// cancelled), and after the definition's grace period it is killed — command jobs get SIGKILL,
    /// Swift work is abandoned — ending `stopped` or `killed`, never stuck. Its active children
    /// are stopped too. Returns once the request is made; see ``waitForCompletion(of:)``.
    /// - Throws: ``JobSchedulerError`` `runNotActive` for an ended run, `unknownRun`.
    public func stop(_ runId: RunID) async throws(JobSchedulerError) {
        if requestStop(runId, reason: .request) { return }
        if let shared { return try await stopShared(shared, runId) }
        let record: RunRecord?
        do throws(RunStoreError) {
            record = try await store.run(runId)
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
        guard let record else { throw JobSchedulerError(.unknownRun, "no run \(runId)") }
        throw JobSchedulerError(.runNotActive, "run \(runId) already ended \(record.state)")
    }

    /// Stops a run this scheduler owns; returns `false` if it owns no such active run.
    @discardableResult
    func requestStop(_ runId: RunID, reason: StopReason) -> Bool {
        let (handle, withdrawn, ready) = state.withLock { s -> (RunHandle?, Bool, [RunHandle]) in
            guard let handle = s.handles[runId], let placement = s.placements[runId] else { return (nil, false, []) }
            if case .started = placement { return (handle, false, []) }
            return (handle, true, s.release(runId))
        }
        guard let handle else {
            // Between its release and its final record (already ending), or a run this
            // scheduler no longer places (its job was replaced): stop it, and if it never
            // started, make sure it never will.
            guard let live = liveHandle(runId) else { return false }
            live.requestStop(reason)
            live.cancelBackoffTimer()
            live.gate.resolve(.stop)
            return true
        }
        if withdrawn {
            handle.requestStop(reason)
            handle.cancelBackoffTimer()
            handle.gate.resolve(.stop)
            for next in ready { next.gate.resolve(.start) }
        } else {
            handle.requestStop(reason)
        }
        return true
    }

    /// Continues an `interrupted` pipeline run from the step after the one that interrupted it:
    /// a new run (trigger `proceed`, `proceedOf` the interrupted run) whose input is the
    /// interrupted run's output and whose context carries `extra`. Works for runs interrupted by
    /// an earlier instance too (everything needed is in the record). A run proceeds once.
    /// - Throws: ``JobSchedulerError`` `unknownRun`, `cannotProceed` (not interrupted, already
    ///   proceeded, or its job is no longer a pipeline), `notRunning`, `journal`.
    @discardableResult
    public func proceed(_ runId: RunID, extra: JobValue = .null) async throws(JobSchedulerError) -> RunID {
        let found: RunRecord?
        do throws(RunStoreError) {
            found = try await store.run(runId)
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
        guard let interrupted = found else { throw JobSchedulerError(.unknownRun, "no run \(runId)") }
        guard interrupted.state == .interrupted, interrupted.proceededBy == nil else {
            throw JobSchedulerError(.cannotProceed, "run \(runId) is \(interrupted.state)"
                                    + (interrupted.proceededBy.map { ", already proceeded by \($0)" } ?? ""))
        }
        let now = clock.now
        let handle = try state.withLock { s throws(JobSchedulerError) -> RunHandle in
            let entry = try Self.accepting(interrupted.jobId, in: s)
            guard entry.definition.job is Pipeline else {
                throw JobSchedulerError(.cannotProceed, "job \"\(interrupted.jobId)\" is not a pipeline")
            }
            guard s.proceeding.insert(runId).inserted else {
                throw JobSchedulerError(.cannotProceed, "run \(runId) is already proceeding")
            }
            var record = RunRecord(runId: .make(), jobId: interrupted.jobId, trigger: .proceed, createdAt: now,
                                   zone: entry.definition.zone, input: interrupted.output ?? .null,
                                   parentRunId: interrupted.parentRunId, proceedOf: runId)
            record.steps = interrupted.steps
            record.lastCompletedStep = interrupted.lastCompletedStep
            let info = ProceedInfo(interruptedRun: runId, lastCompletedStep: interrupted.lastCompletedStep, extra: extra)
            return makeHandle(record, entry.definition, proceed: info)
        }
        do throws(RunStoreError) {
            _ = try await store.markProceeded(runId, by: handle.runId)
        } catch let error where error.kind == .conflict {
            _ = state.withLock { $0.proceeding.remove(runId) }
            _ = lifecycle.withLock { $0.live.removeValue(forKey: handle.runId) }  // never launched
            throw JobSchedulerError(.cannotProceed, "\(error)")
        } catch {
            logger.warning("cannot mark the run proceeded; continuing", metadata: ["run": runId.rawValue, "error": "\(error)"])
        }
        let admission = state.withLock { s -> SchedulerState.Admission in
            s.proceeding.remove(runId)
            return s.phase == .running ? s.admit(handle, bypassOverlap: true) : .skip
        }
        settle(handle, admission)
        launch(handle)
        await handle.durable.waitIgnoringCancellation()
        logger.info("run proceeds", metadata: ["run": handle.runId.rawValue, "proceedOf": runId.rawValue])
        return handle.runId
    }

    /// Launches a child run for ``JobContext/runChild(_:input:awaiting:surviveFailure:)``.
    func launchChild(of parent: RunHandle, jobId: JobID, input: JobValue, join: Bool) async throws(JobSchedulerError) -> RunHandle {
        let now = clock.now
        let (handle, admission) = try state.withLock { s throws(JobSchedulerError) -> (RunHandle, SchedulerState.Admission) in
            let entry = try Self.accepting(jobId, in: s)
            let record = RunRecord(runId: .make(), jobId: jobId, trigger: .child, createdAt: now, zone: entry.definition.zone,
                                   input: input, parentRunId: parent.runId)
            let handle = makeHandle(record, entry.definition, usesWorker: false)
            return (handle, s.admit(handle))
        }
        parent.addChild(handle, join: join)
        settle(handle, admission)
        launch(handle)
        if parent.stopLatch.isFired { requestStop(handle.runId, reason: .parent) }
        await handle.durable.waitIgnoringCancellation()
        return handle
    }

    // MARK: Helpers

    /// Checks that `parent` names a run; returns its handle while this scheduler runs it.
    func linkableParent(_ parent: RunID?) async throws(JobSchedulerError) -> RunHandle? {
        guard let parent else { return nil }
        if let handle = liveHandle(parent) { return handle }
        let found: RunRecord?
        do throws(RunStoreError) {
            found = try await store.run(parent)
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
        guard found != nil else { throw JobSchedulerError(.unknownRun, "parent: no run \(parent)") }
        return nil
    }

    /// The entry of a job that may get a new run now.
    static func accepting(_ jobId: JobID, in s: SchedulerState) throws(JobSchedulerError) -> SchedulerState.JobEntry {
        guard s.phase == .running else { throw JobSchedulerError(.notRunning, "the job scheduler is not running") }
        guard let entry = s.jobs[jobId] else { throw unknownJob(jobId) }
        return entry
    }

    /// Creates a run's handle and counts it live at once (usually under the state lock, so a
    /// concurrent shutdown that found the run admitted also waits for its final record).
    func makeHandle(_ record: RunRecord, _ definition: JobDefinition, usesWorker: Bool = true, backoff: Duration? = nil,
                    proceed: ProceedInfo? = nil, isStored: Bool = false, isClaimed: Bool = false) -> RunHandle {
        let handle = RunHandle(record: record, definition: definition, store: store, logger: logger, usesWorker: usesWorker,
                               backoff: backoff, proceed: proceed, isStored: isStored, isClaimed: isClaimed)
        lifecycle.withLock { $0.live[handle.runId] = handle }
        return handle
    }

    /// Tells a handle what its admission decided (a `wait` is settled later).
    func settle(_ handle: RunHandle, _ admission: SchedulerState.Admission) {
        switch admission {
        case .start: handle.gate.resolve(.start)
        case .skip: handle.gate.resolve(.skip)
        case .wait: break
        }
    }

    /// Starts the task that carries a handle through its life.
    func launch(_ handle: RunHandle) {
        Task { await self.carry(handle) }
    }
}
