#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

extension JobScheduler {
    /// One run's whole life: the durable `queued` record, the wait for its start decision, the
    /// execution, the final record, callbacks.
    func carry(_ handle: RunHandle) async {
        defer { _ = lifecycle.withLock { $0.live.removeValue(forKey: handle.runId) } }
        if handle.gate.current == .skip {
            // Refused when requested: the record is born final.
            let record = handle.update { record in
                record.state = .skipped
                record.finishedAt = clock.now
                record.error = "skipped: a run of the job is active (overlap \(handle.definition.overlap))"
            }
            await journal(record.runId) { () throws(RunStoreError) in try await store.createRun(record) }
            handle.durable.fire()
            runEvents.emit(record)
            logger.debug("run skipped", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue])
            finishHandle(handle, record)
            handle.finished.fire()
            return
        }
        let queued = handle.record
        if !handle.isStored {
            if let shared {
                await admitHere(shared, handle)
            } else {
                await journal(queued.runId) { () throws(RunStoreError) in try await store.createRun(queued) }
            }
        }
        handle.durable.fire()
        runEvents.emit(queued)
        if let backoff = handle.backoff, handle.gate.current == nil { startBackoff(handle, backoff) }
        switch await handle.gate.value() {
        case .skip:
            await finishUnstarted(handle, .skipped,
                                  error: "skipped: a run of the job is active (overlap \(handle.definition.overlap))")
        case .stop:
            await finishUnstarted(handle, .stopped, error: "stopped before it started")
        case .start:
            await execute(handle)
        }
    }

    /// Sleeps a retry's backoff, then asks for a worker.
    private func startBackoff(_ handle: RunHandle, _ backoff: Duration) {
        let task = Task { [clock] in
            do { try await clock.sleep(for: backoff) } catch { return }
            let start = self.state.withLock { s -> Bool in
                guard s.placements[handle.runId] == .backoff, s.phase == .running else { return false }
                return s.requestWorker(handle)
            }
            if start { handle.gate.resolve(.start) }
        }
        handle.setBackoffTimer(task)
    }

    private func finishUnstarted(_ handle: RunHandle, _ finalState: RunState, error: String) async {
        let record = handle.update { record in
            record.state = finalState
            record.finishedAt = clock.now
            record.error = error
        }
        await handle.journal.flush()
        handle.journal.close()
        await journal(record.runId) { () throws(RunStoreError) in try await store.finishRun(record) }
        runEvents.emit(record)
        logger.info("run ended before starting", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue,
                                                             "state": finalState.name])
        finishHandle(handle, record)
        handle.finished.fire()
    }

    /// Remembers the job's latest run that started.
    private func finishHandle(_ handle: RunHandle, _ record: RunRecord) {
        guard record.startedAt != nil else { return }
        state.withLock { s in s.jobs[handle.jobId]?.lastRun = record }
    }

    /// Claims the run, executes the job racing stop requests and the timeout, then records the end.
    private func execute(_ handle: RunHandle) async {
        let definition = handle.definition
        let startedAt = clock.now
        let record = handle.update { record in
            record.state = .running
            record.startedAt = startedAt
        }
        if !handle.isClaimed {
            await journal(record.runId) { () throws(RunStoreError) in _ = try await store.claimRun(record.runId, startedAt: startedAt) }
        }
        runEvents.emit(record)
        logger.info("run started", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue,
                                              "trigger": record.trigger.description, "attempt": "\(record.attempt)"])
        let context = JobContext(handle: handle, record: record, scheduler: self, clock: clock)
        let workDone = OneShot<Result<JobValue, any Error>>()
        let work = Task {
            let result: Result<JobValue, any Error>
            do {
                if context.isStopRequested { throw CancellationError() }
                let value = try await definition.job.execute(context)
                try await context.joinChildren()
                result = .success(value)
            } catch {
                result = .failure(error)
            }
            workDone.resolve(result)
        }
        let first = OneShot<Result<JobValue, any Error>?>()  // nil: a stop request came first
        workDone.onResolve { first.resolve($0) }
        let stopToken = handle.stopLatch.observe { first.resolve(nil) }
        let timer: Task<Void, Never>? = definition.timeout.map { limit in
            Task { [clock] in
                do { try await clock.sleep(for: limit) } catch { return }
                handle.requestStop(.timeout)
            }
        }
        let firstOutcome = await first.value()
        handle.stopLatch.removeObserver(stopToken)
        timer?.cancel()
        if let result = firstOutcome {
            await complete(handle, judge(handle, result))
            return
        }
        work.cancel()
        for child in handle.children { requestStop(child.runId, reason: .parent) }
        let (result, killed) = await graceThenKill(handle, workDone)
        await complete(handle, judgeStopped(handle, result, killed: killed))
    }

    /// Waits the grace period for stopped work; then kills it: SIGKILL through the kill latch, and
    /// the reap awaited when the run has processes, or the work abandoned when it has none.
    private func graceThenKill(_ handle: RunHandle, _ workDone: OneShot<Result<JobValue, any Error>>)
        async -> (Result<JobValue, any Error>?, killed: Bool) {
        let second = OneShot<Result<JobValue, any Error>?>()  // nil: the grace ran out (or a forced kill)
        workDone.onResolve { second.resolve($0) }
        let killToken = handle.killLatch.observe { second.resolve(nil) }
        let grace = handle.definition.stopGracePeriod
        let graceTimer = Task { [clock] in
            do { try await clock.sleep(for: grace) } catch { return }
            second.resolve(nil)
        }
        let outcome = await second.value()
        graceTimer.cancel()
        handle.killLatch.removeObserver(killToken)
        if let outcome { return (outcome, false) }
        logger.warning("run did not stop within its grace period; killing it",
                       metadata: ["job": handle.jobId.rawValue, "run": handle.runId.rawValue, "grace": "\(grace)"])
        handle.journal.append(RunLogEntry(time: clock.now, level: .warning, source: .system,
                                          text: "did not stop within \(grace); killed"))
        handle.killLatch.fire()
        if handle.hasLiveProcesses { return (await workDone.value(), true) }
        return (workDone.current, true)
    }

    /// The final record of work that ended by itself.
    private func judge(_ handle: RunHandle, _ result: Result<JobValue, any Error>) -> RunRecord {
        let now = clock.now
        return handle.update { record in
            record.finishedAt = now
            switch result {
            case .success(let value):
                record.state = .succeeded
                record.output = value
                record.progress.fraction = 1
            case .failure(let interrupt as JobInterrupt):
                record.state = .interrupted
                record.output = interrupt.output
                record.error = nil
            case .failure(let error):
                let details = error as? any JobErrorDetails
                record.state = details?.isCrash == true ? .crashed : .failed
                Self.describe(error, into: &record)
            }
        }
    }

    /// The final record of work that was asked to stop (on request, timeout, shutdown, or with
    /// its parent).
    private func judgeStopped(_ handle: RunHandle, _ result: Result<JobValue, any Error>?, killed: Bool) -> RunRecord {
        let now = clock.now
        let definition = handle.definition
        let reason = handle.stopReason ?? .request
        return handle.update { record in
            record.finishedAt = now
            if case .success(let value)? = result { record.output = value }
            if case .failure(let error)? = result, !(error is CancellationError) { Self.describe(error, into: &record) }
            let ending = killed ? "; killed after the grace period of \(definition.stopGracePeriod)" : ""
            switch reason {
            case .timeout:
                record.state = .timedOut
                record.error = "timed out after \(definition.timeout.map { "\($0)" } ?? "its limit")" + ending
            case .request:
                record.state = killed ? .killed : .stopped
                record.error = "stopped on request" + ending
            case .shutdown:
                record.state = killed ? .killed : .stopped
                record.error = "stopped by the scheduler's shutdown" + ending
            case .parent:
                record.state = killed ? .killed : .stopped
                record.error = "stopped with its parent run" + ending
            }
        }
    }

    /// Copies an error's description and details into a record.
    static func describe(_ error: any Error, into record: inout RunRecord) {
        record.error = "\(error)"
        guard let details = error as? any JobErrorDetails else { return }
        record.errorDetail = details.detail ?? record.errorDetail
        record.exitCode = record.exitCode ?? details.exitCode
        record.signal = record.signal ?? details.signal
    }

    /// Writes the final record, frees the run's slots (handing the job's slot to a retry), runs
    /// the callbacks, and wakes whoever waits for the run.
    private func complete(_ handle: RunHandle, _ record: RunRecord) async {
        if record.state == .interrupted, let interrupt = record.output {
            handle.journal.append(RunLogEntry(time: clock.now, level: .info, source: .system,
                                              text: "interrupted; proceed continues after step \"\(record.lastCompletedStep ?? "?")\" with \(interrupt.jsonText)"))
        }
        await handle.journal.flush()
        handle.journal.close()
        await writeFinal(record, of: handle)
        runEvents.emit(record)
        logger.info("run ended", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue, "state": record.state.name,
                                            "durationMs": record.durationMs.map { "\($0)" } ?? "-"])
        let definition = handle.definition
        let now = clock.now
        // With a shared journal, a run any node could have run is retried through the database
        // (any node may run the retry); one tied to a run of this node is retried here.
        let retriesInCluster = shared != nil && record.parentRunId == nil && handle.proceed == nil && !handle.isLost
        let (ready, retry) = state.withLock { s -> ([RunHandle], RunHandle?) in
            s.jobs[handle.jobId]?.lastRun = record
            var retry: RunHandle?
            // Only a run of the job's current definition is retried: after a reload replaced or
            // removed the job, its old run's retry would belong to nothing and never start.
            if record.state.isRetryable, record.attempt < definition.retry.maximumAttempts, s.phase == .running,
               !retriesInCluster, let entry = s.jobs[handle.jobId], entry.activeRuns.contains(handle.runId) {
                let delay = definition.retry.backoff(afterAttempt: record.attempt, random: options.random())
                var next = RunRecord(runId: .make(), jobId: record.jobId, trigger: .retry, createdAt: now,
                                     scheduledFor: now.addingTimeInterval(Self.seconds(delay)), zone: record.zone,
                                     input: record.input, attempt: record.attempt + 1, retryOf: record.runId,
                                     parentRunId: record.parentRunId)
                next.proceedOf = record.proceedOf
                retry = makeHandle(next, entry.definition, usesWorker: handle.usesWorker, backoff: delay, proceed: handle.proceed)
            }
            return (s.release(handle.runId, retry: retry), retry)
        }
        if let retry {
            logger.info("run will be retried", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue,
                                                          "retry": retry.runId.rawValue, "attempt": "\(record.attempt + 1)"])
            launch(retry)
        }
        for next in ready { next.gate.resolve(.start) }
        if let shared, retriesInCluster {
            await retryInCluster(shared, record)
            claimBell.yield()  // a worker and the job's slot are free here
        }
        if !handle.isLost { await runCallbacks(record, definition.callbacks, of: handle) }
        handle.finished.fire()
    }

    /// Calls the callbacks that apply to `record`, each once; errors are logged, never thrown.
    /// When the scheduler shuts down meanwhile (``RunHandle/callbacksStop``), the callback still
    /// running is cancelled (a config job's hook is then stopped: SIGTERM, SIGKILL after its grace)
    /// and later ones are not called: a callback never holds a shutdown up for long.
    private func runCallbacks(_ record: RunRecord, _ callbacks: RunCallbacks, of handle: RunHandle) async {
        let due = callbacks.due(for: record.state)
        guard !due.isEmpty else { return }
        let calls = Task { await self.callCallbacks(record, due) }
        let token = handle.callbacksStop.observe { calls.cancel() }
        await calls.value
        handle.callbacksStop.removeObserver(token)
    }

    private func callCallbacks(_ record: RunRecord, _ due: [(name: String, callback: RunCallbacks.Callback)]) async {
        for (name, callback) in due {
            guard !Task.isCancelled else {
                logger.warning("job callback not called: steward is shutting down",
                               metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue, "callback": name])
                continue
            }
            do {
                try await callback(record)
            } catch {
                logger.error("job callback failed", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue,
                                                               "callback": name, "error": "\(error)"])
                let note = RunLogEntry(time: clock.now, level: .error, source: .system, text: "\(name) callback failed: \(error)")
                await journal(record.runId) { () throws(RunStoreError) in try await store.appendLog(record.runId, [note]) }
            }
        }
    }

    /// Runs a store write; a failure is logged (the journal degrades, supervision goes on), at
    /// debug level when the store announced its outage itself.
    func journal(_ runId: RunID, _ write: () async throws(RunStoreError) -> Void) async {
        do throws(RunStoreError) {
            try await write()
        } catch {
            logger.log(error.logLevel, "journal write failed", metadata: ["run": runId.rawValue, "error": "\(error)"])
        }
    }
}
