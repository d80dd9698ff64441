#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runtime changes to a definition that outlive a restart: a reschedule kept in the journal, and
/// the reset that drops every runtime change.
///
/// The rule (one meaning for the library, `steward jobs …` and `POST /jobs/NAME/…`): a runtime
/// enable, disable or reschedule is kept in the journal with the definition's
/// ``JobDefinition/revision`` and wins over the definition on every later start, until a
/// definition of another revision is defined (steward: the job's config entry changed) or
/// ``reset(_:)`` drops it.
extension JobScheduler {
    /// Replaces a definition's schedule with `change` and keeps it in the journal (see the rule
    /// above); fires are counted from now. Returns the new schedule's description.
    /// - Throws: ``JobSchedulerError`` `unknownJob`; `invalidRequest` naming the setting when
    ///   the schedule cannot be built or has no fire after now.
    @discardableResult
    public func reschedule(_ jobId: JobID, to change: ScheduleOverride) async throws(JobSchedulerError) -> String {
        let now = clock.now
        let description = try state.withLock { s throws(JobSchedulerError) -> String in
            guard var entry = s.jobs[jobId] else { throw Self.unknownJob(jobId) }
            do throws(ScheduleError) {
                try entry.useSchedule(change, now: now)
            } catch {
                throw JobSchedulerError(.invalidRequest, error.message)
            }
            guard let schedule = entry.definition.schedule, schedule.nextFire(after: now) != nil else {
                throw JobSchedulerError(.invalidRequest, "\(change.at != nil ? "at" : change.end != nil ? "end" : "schedule"): "
                                        + "the schedule has no fire after now (\(InstantText.format(now)))")
            }
            if entry.anchor != nil || s.phase == .running { entry.anchor = max(now, entry.lastFired ?? now) }
            entry.rearm()
            s.jobs[jobId] = entry
            stateWriter.submit(entry.persistentState)
            return schedule.description
        }
        logger.info("job rescheduled", metadata: ["job": jobId.rawValue, "schedule": description, "kept": "journal"])
        announce(.rescheduled, jobId)
        doorbell.yield()
        return description
    }

    /// Drops every runtime change of a job (enable, disable, reschedule): it follows its
    /// definition again, from now. Returns whether there was anything to drop.
    /// - Throws: ``JobSchedulerError`` `unknownJob`.
    @discardableResult
    public func reset(_ jobId: JobID) async throws(JobSchedulerError) -> Bool {
        let now = clock.now
        let changed = try state.withLock { s throws(JobSchedulerError) -> Bool in
            guard var entry = s.jobs[jobId] else { throw Self.unknownJob(jobId) }
            let changed = entry.enabledOverride != nil || entry.scheduleOverride != nil
            let wasEnabled = entry.isEnabled
            entry.enabledOverride = nil
            try? entry.useSchedule(nil, now: now)  // the configured schedule: nothing to resolve
            if (entry.isEnabled && !wasEnabled) || entry.anchor != nil || s.phase == .running {
                entry.anchor = max(now, entry.lastFired ?? now)
            }
            entry.rearm()
            s.jobs[jobId] = entry
            stateWriter.submit(entry.persistentState)
            return changed
        }
        logger.info("job reset to its definition", metadata: ["job": jobId.rawValue, "dropped": changed ? "runtime changes" : "nothing"])
        if changed { announce(.reset, jobId) }
        doorbell.yield()
        return changed
    }

    /// The entry for a new definition with what the journal kept: the runtime changes win when
    /// they were made against this definition's revision, and are dropped (and the drop
    /// persisted) otherwise. Called under the state lock.
    func runtimeEntry(_ definition: JobDefinition, persisted: JobDefinitionState?, lastRun: RunRecord?, now: Date) -> SchedulerState.JobEntry {
        var entry = SchedulerState.JobEntry(definition: definition, enabledOverride: persisted?.isEnabled,
                                            anchor: nil, lastFired: persisted?.lastFired, nextFire: nil, lastRun: lastRun)
        entry.configured = (definition.schedule, definition.zone)
        guard let persisted, persisted.isEnabled != nil || persisted.scheduleOverride != nil else { return entry }
        guard persisted.revision == definition.revision else {
            entry.enabledOverride = nil
            logger.notice("runtime changes dropped: the job's definition changed since they were made",
                          metadata: ["job": definition.id.rawValue])
            stateWriter.submit(entry.persistentState)
            return entry
        }
        if let change = persisted.scheduleOverride {
            do throws(ScheduleError) {
                try entry.useSchedule(change, now: now)
            } catch {
                logger.warning("the kept runtime schedule cannot be rebuilt; using the definition's",
                               metadata: ["job": definition.id.rawValue, "error": error.message])
            }
        }
        return entry
    }

    static func zone(_ identifier: String?) -> Zone {
        identifier.flatMap { try? Zone(identifier: $0) } ?? .current
    }
}
