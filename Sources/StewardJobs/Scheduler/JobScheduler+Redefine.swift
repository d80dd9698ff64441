#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JobScheduler {
    /// Replaces the definition of a job in place (a config reload that changed the job's entry):
    /// what the job is doing carries over, only what it does next changes.
    ///
    /// - Runs already requested — running, queued behind the active run (`queueOne`), waiting for
    ///   their time, or sleeping a retry's backoff — stay, and run as they were requested (with
    ///   the definition they were made with); the overlap policy keeps counting them, so a
    ///   trigger right after the change cannot start a second run of a `skip` job.
    /// - Schedule fires are counted from now (none between the last fire and now is caught up),
    ///   except a one-time `at` already past and never handled, which follows the misfire policy
    ///   as at start.
    /// - Runtime changes (enable, disable, reschedule) are kept when `definition` has the
    ///   revision they were made against, dropped otherwise.
    ///
    /// Compare ``remove(_:)`` then ``define(_:)``, which withdraws the waiting runs.
    /// - Throws: ``JobSchedulerError`` `unknownJob`, `invalidDefinition`.
    public func redefine(_ definition: JobDefinition) async throws(JobSchedulerError) {
        do throws(JobDefinitionError) {
            try definition.validate()
        } catch {
            throw JobSchedulerError(.invalidDefinition, "\(error)", definitionError: error)
        }
        var persisted: JobDefinitionState?
        do throws(RunStoreError) {
            persisted = try await store.definitionState(definition.id)
        } catch {
            logger.warning("cannot read the journal for a job; redefining it without its runtime changes",
                           metadata: ["job": definition.id.rawValue, "error": "\(error)"])
        }
        let now = clock.now
        try state.withLock { s throws(JobSchedulerError) in
            guard let old = s.jobs[definition.id] else { throw Self.unknownJob(definition.id) }
            var entry = runtimeEntry(definition, persisted: persisted, lastRun: old.lastRun, now: now)
            entry.activeRuns = old.activeRuns
            entry.pending = old.pending
            entry.lastFired = old.lastFired ?? entry.lastFired
            if s.phase == .running || old.anchor != nil {
                if let once = entry.definition.schedule as? OneTimeSchedule, once.instant <= now,
                   (entry.lastFired ?? .distantPast) < once.instant {
                    entry.anchor = entry.startingAnchor(now: now)
                } else {
                    entry.anchor = max(now, entry.lastFired ?? now)
                }
            }
            entry.rearm()
            s.jobs[definition.id] = entry
        }
        logger.debug("job redefined", metadata: ["job": definition.id.rawValue])
        doorbell.yield()
        announce(.defined, definition.id)
    }
}
