#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

/// What a job's `execute` receives: the run's identity and input, its log and progress, the stop
/// request, and child runs.
///
/// A value that is cheap to copy. Logging and progress never wait for storage: they are queued
/// and written in batches by the run's journal writer.
public struct JobContext: Sendable {
    /// The run.
    public let runId: RunID
    /// Its job.
    public let jobId: JobID
    /// 1 for the first attempt, 2 for the first retry, …
    public let attempt: Int
    /// Why the run exists.
    public let trigger: RunTrigger
    /// The instant the run was meant to start, if any.
    public let scheduledFor: Date?
    /// The input: the trigger's, or, inside a pipeline, the previous step's output.
    public internal(set) var input: JobValue
    /// For a run continuing an interrupted pipeline, what ``JobScheduler/proceed(_:extra:)`` was
    /// given; `nil` otherwise.
    public var proceedExtra: JobValue? { handle.proceed?.extra }
    /// For a run continuing an interrupted pipeline, what it continues.
    public var proceeding: ProceedInfo? { handle.proceed }

    let handle: RunHandle
    let scheduler: JobScheduler
    let clock: any JobClock

    /// The current wall-clock instant on the scheduler's clock (a manual clock in tests): what a
    /// job should use for "now" so its tests need not sleep.
    public var now: Date { clock.now }

    init(handle: RunHandle, record: RunRecord, scheduler: JobScheduler, clock: any JobClock) {
        runId = record.runId
        jobId = record.jobId
        attempt = record.attempt
        trigger = record.trigger
        scheduledFor = record.scheduledFor
        input = record.input
        self.handle = handle
        self.scheduler = scheduler
        self.clock = clock
    }

    /// Appends a line to the run's log, byte-exact (embedded newlines stay in the one entry).
    public func log(_ level: LogLevel, _ message: String) {
        handle.journal.append(RunLogEntry(time: clock.now, level: level, source: .job, text: message))
    }

    /// Appends an `info` line to the run's log.
    public func log(_ message: String) {
        log(.info, message)
    }

    /// Reports how far the run got. `fraction` is clamped to 0…1 (NaN is ignored); a `nil`
    /// argument keeps the previous value. On success the scheduler sets the fraction to 1.
    public func reportProgress(_ message: String? = nil, fraction: Double? = nil) {
        let record = handle.update { record in
            let clamped = RunProgress(message: message, fraction: fraction)
            record.progress = RunProgress(message: message ?? record.progress.message,
                                          fraction: clamped.fraction ?? record.progress.fraction)
        }
        handle.journal.progress(record.progress)
        scheduler.publishProgress(record, at: clock.now)
    }

    /// Whether the run was asked to stop (on request, timeout, shutdown, or its parent stopping).
    /// The executing task is also cancelled at that moment.
    public var isStopRequested: Bool { handle.stopLatch.isFired }

    /// Throws `CancellationError` when a stop was requested or the task is cancelled.
    public func checkCancellation() throws(CancellationError) {
        if isStopRequested || Task.isCancelled { throw CancellationError() }
    }

    /// Returns once a stop is requested (or the task is cancelled).
    public func untilStopRequested() async {
        await handle.stopLatch.wait()
    }

    /// Launches a run of another defined job as a child of this run (`parentRunId` links them;
    /// stopping this run stops its children).
    ///
    /// - Parameters:
    ///   - jobId: the child's job; its overlap policy applies, the worker limit does not.
    ///   - input: the child's input.
    ///   - awaiting: wait for the child's final record (`true`), or return its `queued` record at
    ///     once and let it run alongside.
    ///   - surviveFailure: without it, a child that does not succeed fails this run — at once when
    ///     awaited, else when this run's `execute` returns (its success waits for such children).
    /// - Returns: the child's record (final when awaited).
    /// - Throws: ``ChildRunError`` when the child could not be launched, or failed and
    ///   `surviveFailure` is `false`; `CancellationError` via ``ChildRunError`` when this run is
    ///   stopped while awaiting.
    @discardableResult
    public func runChild(_ jobId: JobID, input: JobValue = .null, awaiting: Bool = true,
                         surviveFailure: Bool = false) async throws(ChildRunError) -> RunRecord {
        let child: RunHandle
        do throws(JobSchedulerError) {
            child = try await scheduler.launchChild(of: handle, jobId: jobId, input: input,
                                                    join: !awaiting && !surviveFailure)
        } catch {
            throw ChildRunError(child: nil, message: "cannot launch a child run of \(jobId): \(error)")
        }
        guard awaiting else { return child.record }
        await child.finished.wait()
        let record = child.record
        if record.state.isActive {
            throw ChildRunError(child: record, message: "stopped while awaiting child run \(record.runId)")
        }
        if record.state != .succeeded && !surviveFailure {
            throw ChildRunError(child: record, message: "child run \(record.runId) of \(record.jobId) ended \(record.state)")
        }
        return record
    }

    /// Waits for the children this run must join; throws for the first that did not succeed.
    func joinChildren() async throws(ChildRunError) {
        for child in handle.joinedChildren {
            await child.finished.wait()
            let record = child.record
            if record.state.isActive {
                throw ChildRunError(child: record, message: "stopped while awaiting child run \(record.runId)")
            }
            if record.state != .succeeded {
                throw ChildRunError(child: record, message: "child run \(record.runId) of \(record.jobId) ended \(record.state)")
            }
        }
    }
}
