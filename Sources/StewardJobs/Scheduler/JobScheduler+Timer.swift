#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

extension JobScheduler {
    /// The event-driven timer: on every ring of the doorbell (a definition changed, a sleep ended,
    /// the wall clock was set) it handles what is due and sleeps until the next instant that
    /// matters. No periodic tick.
    func timerLoop(_ doorbell: AsyncStream<Void>) async {
        var sleeper: Task<Void, Never>?
        for await _ in doorbell {
            sleeper?.cancel()
            guard let next = await processDue() else {
                if state.withLock({ $0.phase != .running }) { break }
                continue
            }
            let (clock, bell, logger) = (self.clock, self.doorbell, self.logger)
            sleeper = Task {
                do {
                    let wake = try await clock.sleep(until: next)
                    if wake == .clockChanged { logger.info("the wall clock was set; recomputing job fires") }
                    bell.yield()
                } catch {
                    return  // re-armed or shutting down
                }
            }
        }
        sleeper?.cancel()
    }

    /// Starts due fires and later runs; returns the next instant to wake at (`nil`: nothing is
    /// scheduled, or the scheduler stopped).
    func processDue() async -> Date? {
        let now = clock.now
        var started: [(RunHandle, SchedulerState.Admission)] = []
        var existing: [(RunHandle, SchedulerState.Admission)] = []
        var missed: [RunRecord] = []
        var clustered: [(RunRecord, OverlapPolicy)] = []
        var notes: [(String, [String: String])] = []
        let next = state.withLock { s -> Date? in
            guard s.phase == .running else { return nil }
            if let hold = s.firesHeldUntil {
                guard now >= hold else { return hold }
                s.firesHeldUntil = nil
            }
            for jobId in s.jobs.keys.sorted() {
                guard var entry = s.jobs[jobId], entry.isEnabled, let schedule = entry.definition.schedule,
                      let anchor = entry.anchor, let due = entry.nextFire, due <= now else { continue }
                let definition = entry.definition
                let plan = FirePlanner.plan(schedule, after: anchor, now: now, threshold: definition.misfireThreshold,
                                            policy: definition.misfire, catchUpLimit: options.catchUpLimit,
                                            missedRecordLimit: options.missedRecordLimit)
                if let lastFired = plan.lastFired {
                    entry.anchor = lastFired
                    entry.lastFired = lastFired
                }
                entry.rearm()
                s.jobs[jobId] = entry
                stateWriter.submit(entry.persistentState, progressOnly: true)
                for fire in plan.runs {
                    let record = RunRecord(runId: .make(), jobId: jobId, trigger: .schedule, createdAt: now, scheduledFor: fire,
                                           zone: definition.zone)
                    if shared != nil {
                        clustered.append((record, definition.overlap))  // the database admits it, once for every node
                        continue
                    }
                    let handle = makeHandle(record, definition)
                    started.append((handle, s.admit(handle)))
                }
                for fire in plan.missed {
                    var record = RunRecord(runId: .make(), jobId: jobId, trigger: .schedule, state: .missed, createdAt: now,
                                           scheduledFor: fire, zone: definition.zone)
                    record.finishedAt = now
                    record.error = "missed: due \(Self.seconds(.seconds(now.timeIntervalSince(fire))))s earlier (misfire \(definition.misfire))"
                    missed.append(record)
                }
                if plan.coalesced > 0 || plan.unrecordedMisses > 0 || plan.missesAreLowerBound {
                    notes.append(("missed schedule fires", ["job": jobId.rawValue, "misfire": definition.misfire.description,
                                                            "coalesced": "\(plan.coalesced)", "missed": "\(plan.missed.count)",
                                                            "unrecorded": "\(plan.unrecordedMisses)\(plan.missesAreLowerBound ? "+" : "")"]))
                }
            }
            let dueLater = s.placements.compactMap { entry -> (RunID, Date)? in
                if case .later(let instant) = entry.value, instant <= now { return (entry.key, instant) }
                return nil
            }.sorted { $0.1 < $1.1 }
            for (runId, _) in dueLater {
                guard let handle = s.handles.removeValue(forKey: runId) else { continue }
                s.placements.removeValue(forKey: runId)
                existing.append((handle, s.admit(handle)))
            }
            return s.nextWake
        }
        for (message, metadata) in notes { logger.notice(message, metadata: metadata) }
        for (handle, admission) in started {
            settle(handle, admission)
            launch(handle)
        }
        for (handle, admission) in existing { settle(handle, admission) }
        let held = if let shared { await admitFires(shared, clustered) } else { Date?.none }
        for record in missed {
            do throws(RunStoreError) {
                try await store.createRun(record)
            } catch where shared != nil && error.kind == .conflict {
                continue  // another node recorded this missed fire
            } catch {
                logger.log(error.logLevel, "journal write failed", metadata: ["run": record.runId.rawValue, "error": "\(error)"])
            }
            runEvents.emit(record)
        }
        return held ?? next
    }
}
