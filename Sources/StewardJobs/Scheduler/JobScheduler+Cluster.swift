#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

/// The scheduler on a journal several nodes share (``SharedRunStore``).
///
/// Every node defines the same jobs and computes the same fires; the database decides. A new run
/// (a schedule fire, a trigger, a run for later, a retry) is *admitted* there — once per fire,
/// whichever nodes fire it, and under the job's overlap policy across every node — and is then
/// executed by whichever node *claims* it first. Child runs and proceeds run where they were asked
/// (they are admitted already claimed by this node). Three loops keep a node in the cluster:
/// claiming (woken by the store's events, by this node's own admissions and ends, and by a poll),
/// the heartbeat (which also rescues the runs of nodes that went silent and learns which of its
/// own runs it lost or must stop), and the events (stop requests, jobs changed elsewhere).
extension JobScheduler {
    /// Starts the loops of a shared journal; called by ``start()``.
    func startCluster(_ shared: any SharedRunStore) {
        let tasks = [
            Task { await self.claimLoop(shared) },
            Task { await self.heartbeatLoop(shared) },
            Task { await self.eventLoop(shared) },
        ]
        clusterTasks.withLock { $0 = tasks }
        claimBell.yield()
    }

    /// Stops claiming and acting on other nodes' events (shutdown begins). The heartbeat goes on,
    /// so the runs still stopping keep their leases and are not rescued meanwhile.
    func stopClaiming() async {
        claimBell.finish()
        let tasks = clusterTasks.withLock { tasks -> [Task<Void, Never>] in
            let stopping = Array(tasks.prefix(1) + tasks.dropFirst(2))  // claiming and events
            tasks = Array(tasks.dropFirst().prefix(1))  // the heartbeat stays
            return stopping
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// Stops the heartbeat once every run has its final record, and tells the other nodes this
    /// one left cleanly (nothing of it to rescue).
    func leaveCluster(_ shared: any SharedRunStore) async {
        let tasks = clusterTasks.withLock { tasks -> [Task<Void, Never>] in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await shared.leave()
    }

    /// Joins the cluster: this node's own runs a previous instance left running are crashed (and,
    /// once the scheduler runs, retried per their policy). Called by ``prepare()``, and by the
    /// heartbeat until it succeeds when the database did not answer at first. Returns whether it
    /// joined.
    @discardableResult
    func joinCluster(_ shared: any SharedRunStore) async -> Bool {
        do throws(RunStoreError) {
            let crashed = try await shared.join(version: options.version, reason: "supervisor restart")
            if !crashed.isEmpty {
                logger.warning("runs left running by a previous instance of this node were marked crashed",
                               metadata: ["count": "\(crashed.count)", "node": shared.node,
                                          "runs": crashed.prefix(10).map(\.runId.rawValue).joined(separator: ",")])
            }
            lifecycle.withLock { $0.recovered = crashed }
            if joinRefused.withLock({ refused in defer { refused = false }; return refused }) {
                logger.notice("joined the shared journal: the node name is free again", metadata: ["node": shared.node])
            }
            let first = joined.withLock { joined -> Bool in
                defer { joined = true }
                return !joined
            }
            // Jobs defined before the database answered started without their kept state (the
            // last fire, runtime changes): take it now, so fires missed while every node was down
            // follow the misfire policy.
            if first {
                for jobId in state.withLock({ Array($0.jobs.keys) }) { await refreshJob(jobId, takingLastFired: true) }
                doorbell.yield()
            }
            return true
        } catch {
            if error.kind == .conflict {
                // Another live steward has this node's name (two started with one config, say):
                // said once; the journal stays unhealthy with the reason until the name is free.
                if !joinRefused.withLock({ refused in defer { refused = true }; return refused }) {
                    logger.error("not joining the shared journal: \(error.message)", metadata: ["node": shared.node])
                }
                return false
            }
            logger.log(error.logLevel, "cannot join the shared journal yet; jobs run once it answers",
                       metadata: ["node": shared.node, "error": "\(error)"])
            return false
        }
    }

    /// Retries the runs ``joinCluster(_:)`` found crashed (once the scheduler runs), then every
    /// run crashed in the last hour that should have been retried and was not: the node that
    /// crashed or rescued it may have died before admitting the retry. Admitting a retry is
    /// idempotent (one per run, whichever node admits it), so any node may sweep.
    func retryRecovered(_ shared: any SharedRunStore) async {
        let crashed = lifecycle.withLock { l -> [RunRecord] in
            defer { l.recovered = [] }
            return l.recovered
        }
        for record in crashed { await retryInCluster(shared, record) }
        await retryUnretriedCrashes(shared)
    }

    /// Admits the missing retries of runs crashed in the last hour (see ``retryRecovered(_:)``).
    func retryUnretriedCrashes(_ shared: any SharedRunStore) async {
        let query = RunQuery(states: [.crashed], since: clock.now.addingTimeInterval(-3600), limit: 500)
        guard let crashed = try? await shared.runs(query) else { return }
        for record in crashed where record.error == "node lost" || record.error?.hasPrefix("supervisor restart") == true {
            await retryInCluster(shared, record, quietly: true)
        }
    }

    /// Admits a new run in the shared journal (a fire, a trigger, a run for later, a retry) and
    /// announces what the database decided. A duplicate fire is another node's: logged at debug.
    /// - Throws: ``JobSchedulerError`` `journal` when the database cannot be reached.
    @discardableResult
    func admitShared(_ shared: any SharedRunStore, _ record: RunRecord, overlap: OverlapPolicy) async throws(JobSchedulerError) -> SharedAdmission {
        let admission: SharedAdmission
        do throws(RunStoreError) {
            admission = try await shared.admit(record, overlap: overlap, claim: false)
        } catch where error.kind == .unavailable {
            throw JobSchedulerError(.journal, "the shared journal cannot take the run now: \(error.message)")
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
        switch admission {
        case .queued(let stored):
            runEvents.emit(stored)
            claimBell.yield()
        case .skipped(let stored):
            runEvents.emit(stored)
            logger.debug("run skipped", metadata: ["job": stored.jobId.rawValue, "run": stored.runId.rawValue])
        case .running(let stored):
            runEvents.emit(stored)
        case .duplicate(let reason):
            logger.debug("run already made by another node", metadata: ["job": record.jobId.rawValue, "reason": reason])
        }
        return admission
    }

    /// A run requested by someone (a trigger, a run for later, a manual retry) on a shared
    /// journal: admitted there under the job's overlap policy across every node; any node may
    /// run it (at `at`, or now).
    /// - Throws: ``JobSchedulerError`` `unknownJob`, `notRunning`, `journal`.
    func requestShared(_ shared: any SharedRunStore, _ jobId: JobID, at: Date?, input: JobValue, requestedBy: String?,
                       retryOf: RunID? = nil, parent: RunID?) async throws(JobSchedulerError) -> RunID {
        let now = clock.now
        let (record, overlap) = try state.withLock { s throws(JobSchedulerError) -> (RunRecord, OverlapPolicy) in
            let entry = try Self.accepting(jobId, in: s)
            let trigger: RunTrigger = at == nil ? .manual(requestedBy: requestedBy) : .later(requestedBy: requestedBy)
            return (RunRecord(runId: .make(), jobId: jobId, trigger: trigger, createdAt: now, scheduledFor: at, zone: entry.definition.zone,
                              input: input, retryOf: retryOf, parentRunId: parent), entry.definition.overlap)
        }
        try await admitShared(shared, record, overlap: overlap)
        return record.runId
    }

    /// Stops a run this node does not run: queued ones at once, running ones by their node.
    /// - Throws: ``JobSchedulerError`` `unknownRun`, `runNotActive`, `journal`.
    func stopShared(_ shared: any SharedRunStore, _ runId: RunID) async throws(JobSchedulerError) {
        let outcome: SharedStopOutcome
        do throws(RunStoreError) {
            outcome = try await shared.requestStop(runId)
        } catch where error.kind == .unknownRun {
            throw JobSchedulerError(.unknownRun, "no run \(runId)")
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
        switch outcome {
        case .stopped(let record):
            runEvents.emit(record)
            logger.info("run stopped before it started", metadata: ["job": record.jobId.rawValue, "run": runId.rawValue])
        case .requested(let node):
            logger.info("stop requested from the run's node", metadata: ["run": runId.rawValue, "node": node])
        case .ended(let record):
            throw JobSchedulerError(.runNotActive, "run \(runId) already ended \(record.state)")
        }
    }

    /// Makes a run that runs on this node (a child run, a proceed, a trigger with a parent here)
    /// durable in the shared journal, claimed by this node at once (no other node takes it).
    func admitHere(_ shared: any SharedRunStore, _ handle: RunHandle) async {
        let record = handle.record
        do throws(RunStoreError) {
            if case .running = try await shared.admit(record, overlap: .allow, claim: true) { handle.markClaimed() }
        } catch {
            logger.log(error.logLevel, "journal write failed", metadata: ["run": record.runId.rawValue, "error": "\(error)"])
        }
    }

    /// Writes a run's final record. With a shared journal the write is fenced: a run this node
    /// lost (another node rescued it) is not written, and a refused write is said plainly. While
    /// the database cannot be reached the write is tried again every second (the run stays this
    /// node's meanwhile: its heartbeat renews the lease), so a run never stays `running` with an
    /// owner that forgot it; at shutdown, for at most ten tries.
    func writeFinal(_ record: RunRecord, of handle: RunHandle) async {
        guard shared != nil else {
            await journal(record.runId) { () throws(RunStoreError) in try await store.finishRun(record) }
            return
        }
        var tries = 0
        while !handle.isLost {
            tries += 1
            do throws(RunStoreError) {
                try await store.finishRun(record)
                if tries > 1 { logger.info("run's end recorded after the journal came back", metadata: ["run": record.runId.rawValue]) }
                return
            } catch where error.kind == .conflict {
                handle.markLost()
                logger.error("run's end not recorded: another node rescued it while this node was unresponsive",
                             metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue, "state": record.state.name,
                                        "error": error.message])
            } catch where error.kind == .unavailable && (isRunning || tries < 10) {
                if tries == 1 {
                    logger.log(error.logLevel, "run's end not recorded yet: the shared journal is unavailable; trying every second",
                               metadata: ["run": record.runId.rawValue, "error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
            } catch {
                logger.warning("journal write failed", metadata: ["run": record.runId.rawValue, "error": "\(error)"])
                return
            }
        }
    }

    /// Admits each due schedule fire in the shared journal (one run per fire across every node).
    /// A fire the database cannot take now (it is unreachable) is handed back: the job's count of
    /// fires goes back to just before it, and fires are held for a second, so once the database
    /// answers the fire is planned again — late, so its misfire policy decides — never lost
    /// silently and never doubled (the fire key keeps it once).
    func admitFires(_ shared: any SharedRunStore, _ fires: [(RunRecord, OverlapPolicy)]) async -> Date? {
        var failed: [JobID: Date] = [:]
        var reason = ""
        for (record, overlap) in fires where failed[record.jobId] == nil {
            do throws(JobSchedulerError) {
                try await admitShared(shared, record, overlap: overlap)
            } catch {
                failed[record.jobId] = record.scheduledFor
                reason = error.message
            }
        }
        guard !failed.isEmpty else { return nil }
        let hold = clock.now.addingTimeInterval(1)
        state.withLock { s in
            for (jobId, fire) in failed {
                guard var entry = s.jobs[jobId], let lastFired = entry.lastFired, lastFired >= fire else { continue }
                entry.anchor = fire.addingTimeInterval(-0.001)
                entry.lastFired = entry.anchor
                entry.rearm()
                s.jobs[jobId] = entry
            }
            s.firesHeldUntil = hold
        }
        logger.warning("schedule fires held: the shared journal is unavailable; they are planned again once it answers",
                       metadata: ["jobs": failed.keys.map(\.rawValue).sorted().joined(separator: ","), "error": reason])
        return hold
    }

    // MARK: Claiming

    /// Claims due runs whenever rung, then sleeps until the earliest queued run is due or the poll
    /// interval passes, whichever comes first.
    private func claimLoop(_ shared: any SharedRunStore) async {
        var sleeper: Task<Void, Never>?
        for await _ in claimBellStream {
            sleeper?.cancel()
            guard isRunning, !Task.isCancelled else { break }
            let delay = await claimDue(shared)
            let (clock, bell) = (self.clock, self.claimBell)
            sleeper = Task {
                do { try await clock.sleep(for: delay) } catch { return }
                bell.yield()
            }
        }
        sleeper?.cancel()
    }

    /// One claim: as many due runs as this node has free workers; returns how long to sleep.
    private func claimDue(_ shared: any SharedRunStore) async -> Duration {
        let poll = shared.pollInterval
        let (jobs, free) = state.withLock { s -> ([JobID: OverlapPolicy], Int) in
            let jobs = Dictionary(uniqueKeysWithValues: s.jobs.map { ($0.key, $0.value.definition.overlap) })
            return (jobs, s.workerLimit.map { max(0, $0 - s.busyWorkers) } ?? Self.claimBatch)
        }
        // Only a member claims: a steward refused its node's name must not run that node's runs.
        guard !jobs.isEmpty, free > 0, joined.withLock({ $0 }) else { return poll }
        let limit = min(free, Self.claimBatch)
        let claimed: [RunRecord]
        do throws(RunStoreError) {
            claimed = try await shared.claim(jobs, limit: limit)
        } catch {
            logger.log(error.logLevel, "cannot claim runs from the shared journal", metadata: ["error": "\(error)"])
            return poll
        }
        for record in claimed { await startClaimed(record) }
        if claimed.count == limit { return .zero }
        do throws(RunStoreError) {
            guard let due = try await shared.nextDue(Set(jobs.keys)) else { return poll }
            return min(max(due, .zero), poll)
        } catch {
            return poll
        }
    }

    /// The most runs claimed in one statement.
    static var claimBatch: Int { 16 }

    /// Executes a run this node claimed: it holds its job's slot and a worker here (the database
    /// already applied the overlap policy across nodes). Claimed during shutdown, it ends `stopped`.
    private func startClaimed(_ record: RunRecord) async {
        let handle = state.withLock { s -> RunHandle? in
            guard s.phase == .running, let entry = s.jobs[record.jobId] else { return nil }
            let handle = makeHandle(record, entry.definition, isClaimed: true)
            let admission = s.admit(handle, bypassOverlap: true)
            if admission == .start { handle.gate.resolve(.start) }
            return handle
        }
        guard let handle else {
            var final = record
            final.state = .stopped
            final.finishedAt = clock.now
            final.error = "stopped: claimed while this node was shutting down"
            let ended = final
            await journal(ended.runId) { () throws(RunStoreError) in try await store.finishRun(ended) }
            runEvents.emit(ended)
            return
        }
        logger.debug("run claimed", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue, "node": shared?.node ?? "-"])
        launch(handle)
    }

    // MARK: Heartbeat and rescue

    /// Every heartbeat interval: stamps this node alive (renewing its runs' leases), stops the runs
    /// it lost or was asked to stop, and rescues the runs of nodes that went silent.
    private func heartbeatLoop(_ shared: any SharedRunStore) async {
        var lastBeat = ContinuousClock.now
        var rescueFrom = ContinuousClock.now
        var beats = 0
        while !Task.isCancelled {
            if !joined.withLock({ $0 }), await joinCluster(shared) {
                await retryRecovered(shared)
                claimBell.yield()
            }
            do throws(RunStoreError) {
                let beat = try await shared.heartbeat()
                let now = ContinuousClock.now
                // Back after an outage longer than a lease: every node's leases ran out meanwhile,
                // not only dead nodes'. Give the others a lease to heartbeat again before rescuing
                // anything, or a database restart would crash every healthy run in the cluster.
                if now - lastBeat > shared.lease { rescueFrom = now + shared.lease }
                lastBeat = now
                if beat.displaced, joined.withLock({ joined in defer { joined = false }; return joined }) {
                    logger.error("another steward took this node's name over while this one was unresponsive past its lease: "
                                 + "its runs are stopped, their ends not recorded; it joins again once the name is free",
                                 metadata: ["node": shared.node])
                }
                for runId in beat.lost { loseRun(runId) }
                for runId in beat.stopRequested { requestStop(runId, reason: .request) }
            } catch {
                logger.log(error.logLevel, "heartbeat not written to the shared journal", metadata: ["error": "\(error)"])
            }
            // A node shutting down rescues nothing: it could not retry what it rescued.
            if isRunning, joined.withLock({ $0 }), ContinuousClock.now >= rescueFrom, ContinuousClock.now - lastBeat < shared.lease {
                await rescueLostNodes(shared)
                beats += 1
                if beats % 30 == 0 { await retryUnretriedCrashes(shared) }
            }
            do { try await clock.sleep(for: shared.heartbeatInterval) } catch { return }
        }
    }

    /// Crashes the runs of nodes whose lease ran out and retries them per their policy.
    private func rescueLostNodes(_ shared: any SharedRunStore) async {
        do throws(RunStoreError) {
            for record in try await shared.rescue() { await retryRescued(shared, record) }
        } catch {
            logger.log(error.logLevel, "cannot look for the runs of lost nodes", metadata: ["error": "\(error)"])
        }
    }

    /// A run this node claimed was rescued by another node (this one was paused or cut off past
    /// its lease): its work is stopped and its end is not recorded (the rescued record stands).
    func loseRun(_ runId: RunID) {
        guard let handle = liveHandle(runId), !handle.isLost else { return }
        handle.markLost()
        logger.error("run lost: another node rescued it while this node was unresponsive; stopping its work, its end is not recorded",
                     metadata: ["job": handle.jobId.rawValue, "run": runId.rawValue])
        requestStop(runId, reason: .request)
    }

    /// A run of a lost node was marked crashed ("node lost"): retried per its job's policy, once
    /// across every node (the database keeps one retry per run).
    private func retryRescued(_ shared: any SharedRunStore, _ record: RunRecord) async {
        runEvents.emit(record)
        logger.warning("run of a lost node marked crashed", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue,
                                                                      "node": record.node ?? "-"])
        await retryInCluster(shared, record)
    }

    /// Admits the retry of a run that ended retryable, if its job's policy has attempts left.
    func retryInCluster(_ shared: any SharedRunStore, _ record: RunRecord, quietly: Bool = false) async {
        let now = clock.now
        let retry = state.withLock { s -> RunRecord? in
            guard s.phase == .running, let entry = s.jobs[record.jobId], record.state.isRetryable,
                  record.attempt < entry.definition.retry.maximumAttempts else { return nil }
            let delay = entry.definition.retry.backoff(afterAttempt: record.attempt, random: options.random())
            var next = RunRecord(runId: .make(), jobId: record.jobId, trigger: .retry, createdAt: now,
                                 scheduledFor: now.addingTimeInterval(Self.seconds(delay)), zone: record.zone,
                                 input: record.input, attempt: record.attempt + 1, retryOf: record.runId,
                                 parentRunId: record.parentRunId)
            next.proceedOf = record.proceedOf
            return next
        }
        guard let retry else { return }
        do throws(JobSchedulerError) {
            if case .queued = try await admitShared(shared, retry, overlap: .allow) {
                logger.info("run will be retried", metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue,
                                                              "retry": retry.runId.rawValue, "attempt": "\(retry.attempt)"])
            }
        } catch where quietly {
            return
        } catch {
            logger.warning("retry not recorded: the shared journal is unavailable",
                           metadata: ["job": record.jobId.rawValue, "run": record.runId.rawValue, "error": error.message])
        }
    }

    // MARK: Events

    /// Acts on what other nodes did: claims, stops, job changes.
    private func eventLoop(_ shared: any SharedRunStore) async {
        for await event in shared.events() {
            guard !Task.isCancelled else { break }
            switch event {
            case .runsChanged:
                claimBell.yield()
            case .resynchronize:
                // The database answers (again): join now rather than at the next heartbeat.
                if !joined.withLock({ $0 }), await joinCluster(shared) { await retryRecovered(shared) }
                claimBell.yield()
            case .stopRequested(let runId):
                requestStop(runId, reason: .request)
            case .jobChanged(let jobId):
                await refreshJob(jobId)
            }
        }
    }

    /// Applies a runtime change another node made to a job (enable, disable, reschedule, reset),
    /// read back from the journal. A change made against another revision of the job (the nodes'
    /// configs differ) is not applied here, and not written back either.
    func refreshJob(_ jobId: JobID, takingLastFired: Bool = false) async {
        let persisted: JobDefinitionState?
        do throws(RunStoreError) {
            persisted = try await store.definitionState(jobId)
        } catch {
            return
        }
        let now = clock.now
        let changed = state.withLock { s -> Bool in
            guard var entry = s.jobs[jobId] else { return false }
            if takingLastFired, entry.lastFired == nil, let fired = persisted?.lastFired {
                entry.lastFired = fired
                entry.anchor = fired
                entry.rearm()
                s.jobs[jobId] = entry
            }
            guard persisted?.revision == entry.definition.revision || persisted == nil else { return false }
            let enabled = persisted?.isEnabled
            let override = persisted?.scheduleOverride
            guard enabled != entry.enabledOverride || override != entry.scheduleOverride else { return false }
            let wasEnabled = entry.isEnabled
            entry.enabledOverride = enabled
            if override != entry.scheduleOverride {
                do throws(ScheduleError) {
                    try entry.useSchedule(override, now: now)
                } catch {
                    logger.warning("the runtime schedule another node set cannot be rebuilt here; using the definition's",
                                   metadata: ["job": jobId.rawValue, "error": error.message])
                }
            }
            if (entry.isEnabled && !wasEnabled) || entry.anchor != nil { entry.anchor = max(now, entry.lastFired ?? now) }
            entry.rearm()
            s.jobs[jobId] = entry
            return true
        }
        guard changed else { return }
        logger.info("job changed on another node", metadata: ["job": jobId.rawValue])
        doorbell.yield()
        announce(.rescheduled, jobId)
    }
}
