#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The scheduler's bookkeeping, always mutated under its one lock: definitions, where each
/// active run waits, the worker pool. The admission functions here make the overlap check and the
/// worker FIFO atomic; they return what to do once the lock is released.
struct SchedulerState {
    enum Phase: Equatable { case idle, running, stopping, stopped }

    /// Where an active run is.
    enum Placement: Equatable {
        /// Created for a later instant; not yet admitted.
        case later(Date)
        /// A retry sleeping its backoff; holds its job's overlap slot.
        case backoff
        /// The one run a `queueOne` job keeps waiting; no slot yet.
        case pendingJob
        /// Admitted (holds its job's slot), waiting in the worker FIFO.
        case waitingWorker
        /// Executing; `worker` says whether it holds a worker.
        case started(worker: Bool)

        /// Whether the run counts as active for its job's overlap policy.
        var holdsJobSlot: Bool {
            switch self {
            case .later, .pendingJob: false
            case .backoff, .waitingWorker, .started: true
            }
        }
    }

    /// One definition and its live state.
    struct JobEntry {
        var definition: JobDefinition
        /// A runtime enable/disable (persisted), which wins over the definition's flag.
        var enabledOverride: Bool?
        /// Fires after this instant are pending; `nil` until the scheduler starts counting.
        var anchor: Date?
        var lastFired: Date?
        var nextFire: Date?
        /// Runs holding the overlap slot (admitted and not finished). A set rather than a count,
        /// so runs of a removed definition never touch the slot of a new one with the same id.
        var activeRuns: Set<RunID> = []
        /// The run a `queueOne` job keeps waiting.
        var pending: RunID?
        var lastRun: RunRecord?
        /// A runtime schedule (persisted), applied to ``definition``; `nil` when none.
        var scheduleOverride: ScheduleOverride?
        /// The schedule and zone the definition came with, for a reset.
        var configured: (schedule: (any Schedule)?, zone: String?) = (nil, nil)

        /// Whether schedule fires happen.
        var isEnabled: Bool { enabledOverride ?? definition.isEnabled }

        /// The state to persist.
        var persistentState: JobDefinitionState {
            JobDefinitionState(jobId: definition.id, isEnabled: enabledOverride, lastFired: lastFired,
                               scheduleOverride: scheduleOverride, revision: definition.revision)
        }

        /// Where counting fires starts when the scheduler takes the definition on: after the last
        /// fire handled; without one, now — except for a one-time fire already past, which is
        /// counted (just before its instant), so it follows the misfire policy (runs once now, or
        /// is recorded `missed`) instead of vanishing. Once handled it is the last fire, and a
        /// restart does not fire it again.
        func startingAnchor(now: Date) -> Date {
            if let lastFired { return lastFired }
            if let once = definition.schedule as? OneTimeSchedule, once.instant <= now {
                return once.instant.addingTimeInterval(-0.001)
            }
            return now
        }

        /// Puts the entry on `change` (a runtime schedule, resolved against the configured zone
        /// from `now`), or back on its configured schedule for `nil`. The one way a runtime
        /// schedule is applied: a reschedule, a reset, a start with a kept one, another node's.
        /// - Throws: the change's `ScheduleError`; the entry is then on its configured schedule.
        mutating func useSchedule(_ change: ScheduleOverride?, now: Date) throws(ScheduleError) {
            scheduleOverride = nil
            definition.schedule = configured.schedule
            definition.zone = configured.zone
            guard let change else { return }
            let resolved = try change.resolved(defaultZone: JobScheduler.zone(configured.zone), now: now)
            definition.schedule = resolved.schedule
            definition.zone = change.zone ?? configured.zone
            scheduleOverride = resolved.override
        }

        /// Recomputes ``nextFire`` from the anchor.
        mutating func rearm() {
            nextFire = anchor.flatMap { anchor in definition.schedule?.nextFire(after: anchor) }
        }
    }

    /// The outcome of an admission.
    enum Admission: Equatable { case start, wait, skip }

    var phase = Phase.idle
    var jobs: [JobID: JobEntry] = [:]
    var handles: [RunID: RunHandle] = [:]
    var placements: [RunID: Placement] = [:]
    var workerQueue: [RunID] = []
    var busyWorkers = 0
    let workerLimit: Int?
    /// Interrupted runs a `proceed` is being set up for (a second call is refused).
    var proceeding: Set<RunID> = []
    /// With a shared journal that did not answer: no schedule fire is planned before this instant.
    var firesHeldUntil: Date?

    init(workerLimit: Int?) { self.workerLimit = workerLimit }

    /// Applies the job's overlap policy to a new run (or a later run whose time came) and, if it
    /// may run, asks for a worker. `bypassOverlap` admits even when a run is active (a proceed).
    mutating func admit(_ handle: RunHandle, bypassOverlap: Bool = false) -> Admission {
        let runId = handle.runId
        guard var job = jobs[handle.jobId] else { return .skip }
        if !job.activeRuns.isEmpty && !bypassOverlap {
            switch job.definition.overlap.value {
            case .allow:
                break
            case .queueOne:
                guard job.pending == nil else { return .skip }
                job.pending = runId
                jobs[handle.jobId] = job
                handles[runId] = handle
                placements[runId] = .pendingJob
                return .wait
            case .skip:
                return .skip
            }
        }
        job.activeRuns.insert(runId)
        jobs[handle.jobId] = job
        handles[runId] = handle
        return requestWorker(handle) ? .start : .wait
    }

    /// Gives the run a worker (or none needed) and returns `true`, or queues it FIFO.
    mutating func requestWorker(_ handle: RunHandle) -> Bool {
        if handle.usesWorker, let limit = workerLimit, busyWorkers >= limit {
            workerQueue.append(handle.runId)
            placements[handle.runId] = .waitingWorker
            return false
        }
        if handle.usesWorker { busyWorkers += 1 }
        placements[handle.runId] = .started(worker: handle.usesWorker)
        return true
    }

    /// Forgets an active run (finished, or withdrawn before it started) and frees what it held.
    /// A `retry` takes over the job's overlap slot. Returns the runs that may start now: the
    /// job's waiting `queueOne` run, the heads of the worker FIFO.
    mutating func release(_ runId: RunID, retry: RunHandle? = nil) -> [RunHandle] {
        guard let handle = handles.removeValue(forKey: runId), let placement = placements.removeValue(forKey: runId) else {
            return []
        }
        let jobId = handle.jobId
        switch placement {
        case .pendingJob:
            if jobs[jobId]?.pending == runId { jobs[jobId]?.pending = nil }
        case .waitingWorker:
            workerQueue.removeAll { $0 == runId }
        case .started(let worker):
            if worker { busyWorkers -= 1 }
        case .later, .backoff:
            break
        }
        if placement.holdsJobSlot, jobs[jobId]?.activeRuns.remove(runId) != nil, let retry {
            jobs[jobId]!.activeRuns.insert(retry.runId)
            handles[retry.runId] = retry
            placements[retry.runId] = .backoff
        }
        return startWaiting(jobId: jobId)
    }

    /// Starts what can start after a slot was freed (only while running).
    mutating func startWaiting(jobId: JobID) -> [RunHandle] {
        guard phase == .running else { return [] }
        var ready: [RunHandle] = []
        if var job = jobs[jobId], job.activeRuns.isEmpty, let pendingId = job.pending, let pending = handles[pendingId] {
            job.pending = nil
            job.activeRuns.insert(pendingId)
            jobs[jobId] = job
            if requestWorker(pending) { ready.append(pending) }
        }
        while let limit = workerLimit, busyWorkers < limit, !workerQueue.isEmpty {
            let next = workerQueue.removeFirst()
            guard let handle = handles[next] else { continue }
            busyWorkers += 1
            placements[next] = .started(worker: true)
            ready.append(handle)
        }
        return ready
    }

    /// The earliest instant the timer must wake for: an enabled definition's next fire or a
    /// later run's time.
    var nextWake: Date? {
        let fires = jobs.values.compactMap { $0.isEnabled ? $0.nextFire : nil }
        let laters = placements.values.compactMap { placement -> Date? in
            if case .later(let date) = placement { return date }
            return nil
        }
        return (fires + laters).min()
    }
}
