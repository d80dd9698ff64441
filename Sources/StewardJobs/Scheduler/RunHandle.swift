#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import Synchronization

/// How a queued run leaves the queue.
enum StartDecision: Sendable {
    /// Claim it and execute.
    case start
    /// The overlap policy refused it when its time came (a run scheduled for later).
    case skip
    /// Stopped before it started.
    case stop
}

/// Why a running run is being stopped.
enum StopReason: Sendable {
    case request, timeout, shutdown, parent
}

/// One run the scheduler owns, from its record's creation until its final record is written:
/// the record, its journal writer, and the latches that connect it to the scheduler and to the
/// job's context.
final class RunHandle: Sendable {
    let runId: RunID
    let definition: JobDefinition
    let journal: RunJournal
    /// Whether the run holds a worker slot when it executes (children are exempt).
    let usesWorker: Bool
    /// For a retry: the backoff before it asks for a worker.
    let backoff: Duration?
    /// For a run continuing an interrupted pipeline.
    let proceed: ProceedInfo?
    /// Whether the `queued` record is already in the store (a request a previous instance left).
    let isStored: Bool

    /// The `queued` record is written (or the write failed and was logged).
    let durable = Latch()
    /// Whether to start, skip or stop: settled by the scheduler.
    let gate = OneShot<StartDecision>()
    /// A stop was requested: the job's context reports it and the executor starts the grace.
    let stopLatch = Latch()
    /// The grace passed: command jobs send SIGKILL.
    let killLatch = Latch()
    /// The scheduler shuts down: callbacks still running for this run are cancelled.
    let callbacksStop = Latch()
    /// The final record is written and callbacks ran.
    let finished = Latch()

    private struct State {
        var record: RunRecord
        var stopReason: StopReason?
        var liveProcesses = 0
        var children: [RunHandle] = []
        var joinedChildren: [RunHandle] = []
        var backoffTimer: Task<Void, Never>?
        var lost = false
        var claimed = false
    }

    private let state: Mutex<State>

    init(record: RunRecord, definition: JobDefinition, store: any RunStore, logger: Logger, usesWorker: Bool,
         backoff: Duration? = nil, proceed: ProceedInfo? = nil, isStored: Bool = false, isClaimed: Bool = false) {
        runId = record.runId
        self.isStored = isStored || isClaimed
        self.definition = definition
        journal = RunJournal(runId: record.runId, store: store, logger: logger)
        self.usesWorker = usesWorker
        self.backoff = backoff
        self.proceed = proceed
        var initial = State(record: record)
        initial.claimed = isClaimed
        state = Mutex(initial)
    }

    var jobId: JobID { definition.id }

    /// The current record.
    var record: RunRecord { state.withLock { $0.record } }

    /// Changes the record in memory and returns the new value.
    @discardableResult
    func update(_ change: (inout RunRecord) -> Void) -> RunRecord {
        state.withLock { s in
            change(&s.record)
            return s.record
        }
    }

    /// Records why the run is being stopped (the first reason wins) and fires the stop latch.
    /// Returns whether this call made the request.
    @discardableResult
    func requestStop(_ reason: StopReason) -> Bool {
        let first = state.withLock { s -> Bool in
            guard s.stopReason == nil else { return false }
            s.stopReason = reason
            return true
        }
        if first { stopLatch.fire() }
        return first
    }

    /// Whether the store already has the run `running` on this node (claimed from a shared
    /// journal, or admitted there claimed): executing it claims nothing more.
    var isClaimed: Bool { state.withLock { $0.claimed } }
    /// The store has the run `running` on this node now (see ``isClaimed``).
    func markClaimed() { state.withLock { $0.claimed = true } }

    /// Marks the run as no longer this node's (a shared journal's other node rescued it while
    /// this one was paused or cut off): its work is stopped and its end is not recorded.
    func markLost() { state.withLock { $0.lost = true } }
    /// Whether ``markLost()`` was called.
    var isLost: Bool { state.withLock { $0.lost } }

    /// The reason of the stop request, if any.
    var stopReason: StopReason? { state.withLock { $0.stopReason } }

    /// A command of this run has a live OS process: after the grace, killing it is certain to end
    /// the work, so the executor waits for the reap instead of abandoning the work.
    func processStarted() { state.withLock { $0.liveProcesses += 1 } }
    /// The process was reaped.
    func processEnded() { state.withLock { $0.liveProcesses -= 1 } }
    /// Whether the run has live OS processes.
    var hasLiveProcesses: Bool { state.withLock { $0.liveProcesses > 0 } }

    /// Remembers a child (stopped with its parent), and whether the parent must join it.
    func addChild(_ child: RunHandle, join: Bool) {
        state.withLock { s in
            s.children.append(child)
            if join { s.joinedChildren.append(child) }
        }
    }

    /// Every child launched so far.
    var children: [RunHandle] { state.withLock { $0.children } }

    /// Children launched without awaiting them and without `surviveFailure`: the parent's success
    /// waits for them.
    var joinedChildren: [RunHandle] { state.withLock { $0.joinedChildren } }

    /// The task sleeping a retry's backoff.
    func setBackoffTimer(_ task: Task<Void, Never>) { state.withLock { $0.backoffTimer = task } }
    /// Cancels the backoff sleep (the run was stopped while waiting).
    func cancelBackoffTimer() { state.withLock { $0.backoffTimer }?.cancel() }

    /// Waits until the final record is written and callbacks ran.
    func waitUntilFinished() async { await finished.waitIgnoringCancellation() }
}
