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

    func resolve(_ outcome: BoundedOutcome<Value>) {
        let waiter = state.withLock { s -> CheckedContinuation<BoundedOutcome<Value>, Never>? in
            guard s.outcome == nil else { return nil }
            s.outcome = outcome
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: outcome)
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

/// Runs `work` in its own task, bounded by an optional deadline on `clock` and by abort latches.
///
/// Unlike a task group, this returns as soon as the first limit is reached even if `work` ignores
/// cancellation: the work is cancelled and abandoned, never awaited. That is what lets the runner
/// report a component that "did not stop" instead of hanging with it.
///
/// - Returns: the outcome, and the task running `work` (still alive if it was abandoned).
@discardableResult
func bounded<Value: Sendable>(
    deadline: Duration?,
    clock: RunnerClock,
    abortOn latches: [Latch] = [],
    _ work: @escaping @Sendable () async throws -> Value
) async -> (outcome: BoundedOutcome<Value>, task: Task<Void, Never>) {
    let first = FirstOutcome<Value>()
    // Check aborts before starting: an already-fired latch means the work must not even begin.
    if latches.contains(where: \.isFired) {
        return (.aborted, Task {})
    }
    let task = Task {
        do { first.resolve(.completed(.success(try await work()))) } catch { first.resolve(.completed(.failure(error))) }
    }
    var timer: Task<Void, Never>?
    if let deadline {
        timer = Task {
            do {
                try await clock.sleep(until: deadline)
                first.resolve(.timedOut)
            } catch {}
        }
    }
    let tokens = latches.map { latch in latch.observe { first.resolve(.aborted) } }
    let outcome = await first.value()
    timer?.cancel()
    for (latch, token) in zip(latches, tokens) { latch.removeObserver(token) }
    if case .completed = outcome {} else { task.cancel() }
    return (outcome, task)
}
