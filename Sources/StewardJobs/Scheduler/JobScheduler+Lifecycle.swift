#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

extension JobScheduler {
    /// Marks runs a previous instance left running as `crashed` (reason `supervisor restart`) and
    /// takes over the requests it left queued. Called once, before the timer starts.
    public func initialize(_ context: LifecycleContext) async throws {
        let named = options.logger.with(context.logger.metadata)
        componentLogger.withLock { $0 = named }
        await prepare()
    }

    /// Starts the timer, waits for the stop request, then stops every active run (grace, then
    /// kill) and returns once each is recorded. If the task is cancelled meanwhile (a forced
    /// shutdown), runs are killed without waiting for their grace.
    public func run(_ context: LifecycleContext) async throws {
        await start()
        await context.untilStopRequested()
        await shutdown()
    }

    /// Starts the scheduler without a lifecycle runner: recovers abandoned runs, then starts the
    /// timer. Fires missed while steward was down follow each definition's misfire policy; the
    /// requests a previous instance left queued run once each, at their time.
    /// Idempotent; a stopped scheduler does not start again.
    public func start() async {
        await prepare()
        let now = clock.now
        let started = state.withLock { s -> Bool in
            guard s.phase == .idle else { return false }
            s.phase = .running
            for jobId in s.jobs.keys {
                if s.jobs[jobId]!.anchor == nil { s.jobs[jobId]!.anchor = s.jobs[jobId]!.startingAnchor(now: now) }
                s.jobs[jobId]!.rearm()
            }
            return true
        }
        guard started else { return }
        if let shared {
            startCluster(shared)
            await retryRecovered(shared)
        } else {
            await readmitRecovered(at: now)
        }
        let task = Task { [doorbellStream] in await self.timerLoop(doorbellStream) }
        lifecycle.withLock { $0.loop = task }
        doorbell.yield()
        logger.info("job scheduler started", metadata: ["jobs": "\(state.withLock { $0.jobs.count })"])
    }

    /// Whether the scheduler accepts runs (started and not shutting down).
    public var isRunning: Bool { state.withLock { $0.phase == .running } }

    /// Stops the scheduler: no more fires or new runs; runs waiting to start end `stopped`; running
    /// runs are stopped (grace, then kill) and recorded. Returns when every run has its final
    /// record. Cancelling the calling task kills the remaining runs at once.
    public func shutdown() async {
        let collected = state.withLock { s -> (started: [RunHandle], withdrawn: [RunHandle])? in
            guard s.phase == .running || s.phase == .idle else { return nil }
            s.phase = .stopping
            var started: [RunHandle] = []
            var withdrawn: [RunHandle] = []
            for (runId, handle) in s.handles {
                if case .started = s.placements[runId] { started.append(handle) } else { withdrawn.append(handle) }
            }
            for handle in withdrawn { _ = s.release(handle.runId) }
            return (started, withdrawn)
        }
        guard let collected else { return }
        logger.info("job scheduler stopping", metadata: ["running": "\(collected.started.count)",
                                                         "waiting": "\(collected.withdrawn.count)"])
        doorbell.finish()
        for handle in collected.withdrawn {
            handle.requestStop(.shutdown)
            handle.cancelBackoffTimer()
            handle.gate.resolve(.stop)
        }
        for handle in collected.started { handle.requestStop(.shutdown) }
        // Runs that already ended may still be calling their callbacks (a config job's hook).
        for handle in lifecycle.withLock({ Array($0.live.values) }) { handle.callbacksStop.fire() }
        if shared != nil { await stopClaiming() }
        let loop = lifecycle.withLock { $0.loop }
        loop?.cancel()
        await withTaskCancellationHandler {
            while let handle = lifecycle.withLock({ $0.live.values.first }) {
                await handle.waitUntilFinished()
                _ = lifecycle.withLock { $0.live.removeValue(forKey: handle.runId) }
            }
        } onCancel: {
            for handle in lifecycle.withLock({ Array($0.live.values) }) { handle.killLatch.fire() }
        }
        await loop?.value
        await stateWriter.flush()
        if let shared { await leaveCluster(shared) }
        state.withLock { $0.phase = .stopped }
        logger.info("job scheduler stopped")
    }

    /// Recovers runs left active by a previous instance; once per scheduler.
    func prepare() async {
        let first = lifecycle.withLock { l -> Bool in
            defer { l.prepared = true }
            return !l.prepared
        }
        guard first else { return }
        if let shared {
            await joinCluster(shared)
            return
        }
        do throws(RunStoreError) {
            let recovery = try await store.recoverRuns(reason: "supervisor restart", at: clock.now)
            if !recovery.crashed.isEmpty {
                logger.warning("runs left running by a previous instance were marked crashed",
                               metadata: ["count": "\(recovery.crashed.count)",
                                          "runs": recovery.crashed.prefix(10).map(\.runId.rawValue).joined(separator: ",")])
            }
            lifecycle.withLock { $0.recovered = recovery.queued }
        } catch {
            logger.warning("cannot recover abandoned runs from the journal", metadata: ["error": "\(error)"])
        }
    }

    /// Takes over the runs a previous instance left queued: each waits for its time (now, for a
    /// request of "now") and then goes through its job's overlap policy like any request. A run
    /// whose job is gone, or that belonged to a parent run (a child, a pipeline's continuation),
    /// cannot be carried on and ends `crashed`.
    private func readmitRecovered(at now: Date) async {
        let recovered = lifecycle.withLock { l -> [RunRecord] in
            defer { l.recovered = [] }
            return l.recovered
        }
        guard !recovered.isEmpty else { return }
        var orphans: [RunRecord] = []
        let readmitted = state.withLock { s -> Int in
            var count = 0
            for record in recovered {
                guard s.phase == .running, let entry = s.jobs[record.jobId],
                      record.trigger != .child, record.trigger != .proceed else {
                    orphans.append(record)
                    continue
                }
                let handle = makeHandle(record, entry.definition, isStored: true)
                s.handles[handle.runId] = handle
                s.placements[handle.runId] = .later(record.scheduledFor ?? now)
                launch(handle)
                count += 1
            }
            return count
        }
        for var record in orphans {
            record.state = .crashed
            record.finishedAt = now
            record.error = orphanReason(record)
            let final = record
            await journal(final.runId) { () throws(RunStoreError) in try await store.finishRun(final) }
            runEvents.emit(final)
        }
        logger.notice("requests left queued by a previous instance were taken over",
                      metadata: ["runs": "\(readmitted)", "abandoned": "\(orphans.count)"])
    }

    private func orphanReason(_ record: RunRecord) -> String {
        if record.trigger == .child || record.trigger == .proceed {
            return "supervisor restart: a \(record.trigger.name) run cannot be carried on without its parent"
        }
        return "supervisor restart: job \"\(record.jobId)\" is no longer defined"
    }
}
