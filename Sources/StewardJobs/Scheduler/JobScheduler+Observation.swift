#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JobScheduler {
    /// Runs' progress reports, coalesced per run: at most 10 updates a second per run, each the
    /// latest value; a value held back is sent when its 100 ms end or when the run ends, so the
    /// last report always arrives (before the run's final record in ``runChanges(bufferingPolicy:)``).
    /// A slow consumer loses the oldest per `bufferingPolicy`.
    public func progressChanges(bufferingPolicy: AsyncStream<RunProgressUpdate>.Continuation.BufferingPolicy = .bufferingNewest(256))
        -> AsyncStream<RunProgressUpdate> {
        runEvents.progress.subscribe(bufferingPolicy: bufferingPolicy)
    }

    /// Jobs defined, removed, enabled, disabled or rescheduled, with each job's summary after the
    /// change. A slow consumer loses the oldest per `bufferingPolicy`.
    public func jobChanges(bufferingPolicy: AsyncStream<JobChange>.Continuation.BufferingPolicy = .bufferingNewest(256))
        -> AsyncStream<JobChange> {
        jobEvents.subscribe(bufferingPolicy: bufferingPolicy)
    }

    /// Every defined job's run figures (counts by final state, runs executing, latest success,
    /// durations, next fire), sorted by id.
    public var jobMetrics: [JobMetrics] {
        jobs.map { summary in
            var metrics = runEvents.counters.metrics(summary.id)
            metrics.nextFire = summary.nextFire
            return metrics
        }
    }

    /// Sends a run's progress to ``progressChanges(bufferingPolicy:)`` (while it runs: abandoned
    /// work reporting after its final record is not heard).
    func publishProgress(_ record: RunRecord, at instant: Date) {
        guard record.state == .running else { return }
        runEvents.progress.report(RunProgressUpdate(runId: record.runId, jobId: record.jobId, progress: record.progress, at: instant))
    }

    /// Sends `jobId`'s summary now to ``jobChanges(bufferingPolicy:)``.
    func announce(_ kind: JobChange.Kind, _ jobId: JobID) {
        let now = clock.now
        let summary = state.withLock { s in s.jobs[jobId].map { Self.summary($0, in: s, now: now) } }
        if let summary { jobEvents.emit(JobChange(kind: kind, job: summary)) }
    }

    /// A job's row: its definition, next fire, last fire, last run and active runs.
    static func summary(_ entry: SchedulerState.JobEntry, in s: SchedulerState, now: Date) -> JobSummary {
        let definition = entry.definition
        let next: Date? = !entry.isEnabled ? nil
            : entry.anchor != nil ? entry.nextFire
            : definition.schedule?.nextFire(after: max(now, entry.lastFired ?? now))
        let active = s.handles.values.count { $0.jobId == definition.id }
        var summary = JobSummary(id: definition.id, name: definition.name, description: definition.description,
                                 isEnabled: entry.isEnabled, schedule: definition.schedule?.description, zone: definition.zone,
                                 nextFire: next, lastFired: entry.lastFired, lastRun: entry.lastRun, activeRuns: active)
        summary.tags = definition.tags
        summary.hasRuntimeChanges = entry.enabledOverride != nil || entry.scheduleOverride != nil
        return summary
    }
}
