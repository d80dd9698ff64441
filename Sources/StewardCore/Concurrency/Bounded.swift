import Synchronization

/// How a bounded piece of work ended.
enum BoundedOutcome<Value: Sendable>: Sendable {
    /// The work finished (returned or threw) before any limit.
    case completed(Result<Value, any Error>)
    /// The time limit passed first; the work was cancelled and abandoned.
    case timedOut
    /// An abort latch fired first; the work was cancelled and abandoned.
    case aborted
}

/// Resolves a continuation exactly once, whichever of several racers gets there first.
private final class FirstOutcome<Value: Sendable>: Sendable {
    private let state = Mutex<(outcome: BoundedOutcome<Value>?, waiter: CheckedContinuation<BoundedOutcome<Value>, Never>?)>((nil, nil))

    /// Returns whether this outcome won.
    @discardableResult
    func resolve(_ outcome: BoundedOutcome<Value>) -> Bool {
        let (won, waiter) = state.withLock { s -> (Bool, CheckedContinuation<BoundedOutcome<Value>, Never>?) in
            guard s.outcome == nil else { return (false, nil) }
            s.outcome = outcome
            defer { s.waiter = nil }
            return (true, s.waiter)
        }
        waiter?.resume(returning: outcome)
        return won
    }

    func value() async -> BoundedOutcome<Value> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { s -> BoundedOutcome<Value>? in
                if let outcome = s.outcome { return outcome }
                s.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Runs `work` in its own task, bounded by an optional deadline and by abort latches.
///
/// Unlike a task group, this returns as soon as the first limit is reached even if `work` ignores
/// cancellation: the work is cancelled and abandoned, never awaited. That is what lets the runner
/// report a component that "did not stop" instead of hanging with it. If abandoned work finishes
/// anyway, `late` receives its result. `began` is called, before this returns, if and only if the
/// work was started (an abort latch that had already fired means it never begins).
@discardableResult
func bounded<Value: Sendable>(
    deadline: Duration?,
    scheduler: DeadlineScheduler,
    abortOn latches: [Latch] = [],
    began: (() -> Void)? = nil,
    _ work: @escaping @Sendable () async throws -> Value,
    late: (@Sendable (Result<Value, any Error>) -> Void)? = nil
) async -> BoundedOutcome<Value> {
    // An already-fired abort latch means the work must not even begin.
    if latches.contains(where: \.isFired) { return .aborted }
    began?()
    let first = FirstOutcome<Value>()
    let task = Task {
        let result: Result<Value, any Error>
        do { result = .success(try await work()) } catch { result = .failure(error) }
        // Lost the race (timed out or aborted) but finished after all: tell whoever cares.
        if !first.resolve(.completed(result)) { late?(result) }
    }
    let timer = deadline.map { scheduler.schedule(at: $0) { first.resolve(.timedOut) } }
    let tokens = latches.map { latch in latch.observe { first.resolve(.aborted) } }
    let outcome = await first.value()
    scheduler.cancel(timer)
    for (latch, token) in zip(latches, tokens) { latch.removeObserver(token) }
    if case .completed = outcome {} else { task.cancel() }
    return outcome
}

/// Waits for `latch` to fire, bounded by an optional deadline and by abort latches, without a
/// task of its own: the first of the latch, the deadline or an abort resumes the caller.
func boundedWait(
    for latch: Latch,
    deadline: Duration?,
    scheduler: DeadlineScheduler,
    abortOn latches: [Latch] = []
) async -> BoundedOutcome<Void> {
    if latch.isFired { return .completed(.success(())) }
    if latches.contains(where: \.isFired) { return .aborted }
    let first = FirstOutcome<Void>()
    let done = latch.observe { first.resolve(.completed(.success(()))) }
    let timer = deadline.map { scheduler.schedule(at: $0) { first.resolve(.timedOut) } }
    let tokens = latches.map { abort in abort.observe { first.resolve(.aborted) } }
    let outcome = await first.value()
    latch.removeObserver(done)
    scheduler.cancel(timer)
    for (abort, token) in zip(latches, tokens) { abort.removeObserver(token) }
    return outcome
}
