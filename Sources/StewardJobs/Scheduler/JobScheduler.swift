#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import Synchronization

/// Runs jobs on demand, later, and on their schedules, recording every run in a ``RunStore``.
///
/// The scheduler is a `Runnable` of the lifecycle runner: register it in a priority group;
/// `initialize` marks runs a previous instance left active as `crashed`, `run` starts the timer
/// and returns after the stop request, once every active run is stopped (grace, then kill) and
/// recorded. Without a lifecycle, call ``start()`` and ``shutdown()``.
///
/// The timer is event-driven: it sleeps until exactly the earliest next fire of all enabled
/// definitions (and runs scheduled for later), and re-arms whenever a definition is added,
/// removed, enabled, disabled or rescheduled, and whenever the wall clock is set.
///
/// ```swift
/// let scheduler = JobScheduler(store: journal)
/// try await scheduler.define(JobDefinition(id: "report", schedule: daily) { context in
///     context.log(.info, "building the report")
///     return .null
/// })
/// builder.add(scheduler, name: "jobs", options: .init(priority: 5))
/// ```
public final class JobScheduler: Runnable {
    let store: any RunStore
    let clock: any JobClock
    let options: JobSchedulerOptions
    let state: Mutex<SchedulerState>
    let stateWriter: DefinitionStateWriter
    let doorbell: AsyncStream<Void>.Continuation
    let doorbellStream: AsyncStream<Void>
    let runEvents = RunEvents()
    let jobEvents = EventBroadcast<JobChange>()
    let lifecycle = Mutex<(prepared: Bool, loop: Task<Void, Never>?, live: [RunID: RunHandle], recovered: [RunRecord])>((false, nil, [:], []))
    /// The journal, when several nodes share it: runs are then admitted and claimed through it.
    let shared: (any SharedRunStore)?
    /// Rung when runs may have become claimable in the shared journal.
    let claimBell: AsyncStream<Void>.Continuation
    let claimBellStream: AsyncStream<Void>
    /// The shared journal's loops (claiming, heartbeat, events), cancelled at shutdown.
    let clusterTasks = Mutex<[Task<Void, Never>]>([])
    /// Whether this node joined the shared journal (``SharedRunStore/join(version:reason:)`` succeeded).
    let joined = Mutex(false)
    /// Whether the last join was refused because another live steward holds this node's name
    /// (said once, at the first refusal).
    let joinRefused = Mutex(false)

    /// Creates a scheduler. Nothing fires before ``start()`` (or the runner's `run`).
    /// - Parameters:
    ///   - store: the journal; in memory by default.
    ///   - clock: wall-clock and elapsed time; the `timerfd`-based ``RealtimeJobClock`` by default.
    ///   - options: worker limit, logger, randomness.
    public init(store: any RunStore = InMemoryRunStore(), clock: any JobClock = RealtimeJobClock(),
                options: JobSchedulerOptions = JobSchedulerOptions()) {
        self.store = store
        self.clock = clock
        self.options = options
        state = Mutex(SchedulerState(workerLimit: options.workerLimit))
        stateWriter = DefinitionStateWriter(store: store, logger: options.logger)
        (doorbellStream, doorbell) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        shared = store as? any SharedRunStore
        (claimBellStream, claimBell) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The options' logger; once registered in a lifecycle, with the component's metadata too
    /// (`component=NAME`), so the scheduler's lines say which component wrote them.
    var logger: Logger { componentLogger.withLock { $0 } ?? options.logger }
    let componentLogger = Mutex<Logger?>(nil)

    /// Every run as it is created (`queued`, or born `skipped`/`missed`), starts and ends: an
    /// `AsyncSequence` of its record at each change. A slow consumer loses the oldest per
    /// `bufferingPolicy`.
    public func runChanges(bufferingPolicy: AsyncStream<RunRecord>.Continuation.BufferingPolicy = .bufferingNewest(256))
        -> AsyncStream<RunRecord> {
        runEvents.subscribe(bufferingPolicy: bufferingPolicy)
    }

    // MARK: Definitions

    /// Adds a definition. Its persisted state (a runtime enable/disable, the last fired instant)
    /// is loaded from the store, so fires missed while steward was down follow the misfire policy.
    /// - Throws: ``JobSchedulerError`` `duplicateJob` when the id exists, `invalidDefinition` when
    ///   validation fails.
    public func define(_ definition: JobDefinition) async throws(JobSchedulerError) {
        do throws(JobDefinitionError) {
            try definition.validate()
        } catch {
            throw JobSchedulerError(.invalidDefinition, "\(error)", definitionError: error)
        }
        if state.withLock({ $0.jobs[definition.id] != nil }) {
            throw JobSchedulerError(.duplicateJob, "job \"\(definition.id)\" is already defined")
        }
        var persisted: JobDefinitionState?
        var lastRun: RunRecord?
        do throws(RunStoreError) {
            persisted = try await store.definitionState(definition.id)
            let recent = try await store.runs(RunQuery(jobId: definition.id, limit: 50))
            lastRun = recent.first { $0.state.isFinal && $0.startedAt != nil }
            if let success = recent.first(where: { $0.state == .succeeded })?.finishedAt { runEvents.counters.seed(definition.id, lastSuccess: success) }
        } catch {
            logger.log(error.logLevel, "cannot read the journal for a job; starting without its history",
                       metadata: ["job": definition.id.rawValue, "error": "\(error)"])
        }
        let now = clock.now
        try state.withLock { s throws(JobSchedulerError) in
            guard s.jobs[definition.id] == nil else {
                throw JobSchedulerError(.duplicateJob, "job \"\(definition.id)\" is already defined")
            }
            var entry = runtimeEntry(definition, persisted: persisted, lastRun: lastRun, now: now)
            if s.phase == .running || persisted?.lastFired != nil { entry.anchor = entry.startingAnchor(now: now) }
            entry.rearm()
            s.jobs[definition.id] = entry
        }
        logger.debug("job defined", metadata: ["job": definition.id.rawValue])
        doorbell.yield()
        announce(.defined, definition.id)
    }

    /// Removes a definition: no more fires; its runs waiting for their time or for the active run
    /// are stopped; running runs finish normally.
    /// - Throws: ``JobSchedulerError`` `unknownJob`.
    public func remove(_ jobId: JobID) async throws(JobSchedulerError) {
        let now = clock.now
        let (withdrawn, last) = try state.withLock { s throws(JobSchedulerError) -> ([RunHandle], JobSummary) in
            guard let entry = s.jobs[jobId] else { throw Self.unknownJob(jobId) }
            let last = Self.summary(entry, in: s, now: now)
            s.jobs.removeValue(forKey: jobId)
            let waiting = s.handles.values.filter { handle in
                guard handle.jobId == jobId, let placement = s.placements[handle.runId] else { return false }
                if case .started = placement { return false }
                return true
            }
            for handle in waiting { _ = s.release(handle.runId) }
            return (waiting, last)
        }
        for handle in withdrawn {
            handle.cancelBackoffTimer()
            handle.gate.resolve(.stop)
        }
        doorbell.yield()
        jobEvents.emit(JobChange(kind: .removed, job: last))
    }

    /// Turns schedule fires on (kept in the journal until another revision of the definition or
    /// ``reset(_:)``). Fires that fell while disabled are not caught up.
    /// - Throws: ``JobSchedulerError`` `unknownJob`.
    public func enable(_ jobId: JobID) async throws(JobSchedulerError) {
        try setEnabled(jobId, true)
    }

    /// Turns schedule fires off (kept like ``enable(_:)``); manual triggers still work.
    /// - Throws: ``JobSchedulerError`` `unknownJob`.
    public func disable(_ jobId: JobID) async throws(JobSchedulerError) {
        try setEnabled(jobId, false)
    }

    private func setEnabled(_ jobId: JobID, _ enabled: Bool) throws(JobSchedulerError) {
        let now = clock.now
        try state.withLock { s throws(JobSchedulerError) in
            guard var entry = s.jobs[jobId] else { throw Self.unknownJob(jobId) }
            if enabled && !entry.isEnabled, entry.anchor != nil || s.phase == .running {
                entry.anchor = max(now, entry.lastFired ?? now)
            }
            entry.enabledOverride = enabled
            entry.rearm()
            s.jobs[jobId] = entry
            stateWriter.submit(entry.persistentState)
        }
        logger.info(enabled ? "job enabled" : "job disabled", metadata: ["job": jobId.rawValue])
        doorbell.yield()
        announce(enabled ? .enabled : .disabled, jobId)
    }

    /// Replaces a definition's schedule (`nil`: on demand only); fires are counted from now.
    /// Not kept in the journal (this instance only); ``reschedule(_:to:)`` is kept.
    /// - Throws: ``JobSchedulerError`` `unknownJob`.
    public func reschedule(_ jobId: JobID, _ schedule: (any Schedule)?) async throws(JobSchedulerError) {
        let now = clock.now
        try state.withLock { s throws(JobSchedulerError) in
            guard var entry = s.jobs[jobId] else { throw Self.unknownJob(jobId) }
            entry.definition.schedule = schedule
            if entry.anchor != nil || s.phase == .running { entry.anchor = max(now, entry.lastFired ?? now) }
            entry.rearm()
            s.jobs[jobId] = entry
        }
        logger.info("job rescheduled", metadata: ["job": jobId.rawValue, "schedule": schedule?.description ?? "none"])
        doorbell.yield()
        announce(.rescheduled, jobId)
    }

    // MARK: Queries

    /// The next schedule fire of a job; `nil` when disabled, unscheduled, unknown, or its schedule
    /// has no further fire.
    public func nextFire(_ jobId: JobID) -> Date? {
        let now = clock.now
        return state.withLock { s in
            guard let entry = s.jobs[jobId], entry.isEnabled else { return nil }
            if entry.anchor != nil { return entry.nextFire }
            return entry.definition.schedule?.nextFire(after: max(now, entry.lastFired ?? now))
        }
    }

    /// Every definition with its next fire, last fire, last run and active runs, sorted by id.
    public var jobs: [JobSummary] {
        let now = clock.now
        return state.withLock { s in
            s.jobs.values.sorted { $0.definition.id < $1.definition.id }.map { Self.summary($0, in: s, now: now) }
        }
    }

    /// Runs matching `query`, newest first, from the store.
    /// - Throws: ``JobSchedulerError`` `journal` when the store fails.
    public func runs(_ query: RunQuery = RunQuery()) async throws(JobSchedulerError) -> [RunRecord] {
        do throws(RunStoreError) {
            return try await store.runs(query)
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
    }

    /// One run's record: the live one while this scheduler runs it, else the store's.
    /// - Throws: ``JobSchedulerError`` `journal` when the store fails.
    public func run(_ runId: RunID) async throws(JobSchedulerError) -> RunRecord? {
        if let handle = liveHandle(runId) { return handle.record }
        do throws(RunStoreError) {
            return try await store.run(runId)
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
    }

    /// A run's log lines from `offset` (at most `limit`), as far as they are written now.
    /// - Throws: ``JobSchedulerError`` `journal` when the store fails.
    public func readLog(_ runId: RunID, from offset: Int = 0, limit: Int? = nil) async throws(JobSchedulerError) -> RunLogPage {
        do throws(RunStoreError) {
            return try await store.readLog(runId, from: offset, limit: limit)
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
    }

    /// A run's log from `offset` on, followed live until the run ends.
    public func followLog(_ runId: RunID, from offset: Int = 0) -> RunLogFollow {
        store.followLog(runId, from: offset)
    }

    /// Waits until a run this scheduler owns has ended and returns its final record; for a run it
    /// does not own, returns the store's record at once (`nil` if unknown or the store fails).
    public func waitForCompletion(of runId: RunID) async -> RunRecord? {
        if let handle = liveHandle(runId) {
            await handle.waitUntilFinished()
            return handle.record
        }
        return try? await store.run(runId)
    }

    func liveHandle(_ runId: RunID) -> RunHandle? {
        lifecycle.withLock { $0.live[runId] }
    }

    static func unknownJob(_ jobId: JobID) -> JobSchedulerError {
        JobSchedulerError(.unknownJob, "no job \"\(jobId)\" is defined")
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
