import Synchronization

/// The first of a completion, a deadline and abort latches, handed to a callback exactly once,
/// without a task that waits for it: the callback runs on the thread that settled the race (the
/// work's task, the deadline scheduler's, or whichever fired a latch).
///
/// A phase of a whole priority group is a fan-out of races: it costs no task per component to
/// wait (a `stop` or `finalize` the component does not have costs none at all; one it has costs
/// the task that runs it). Every limit keeps its meaning: the work is cancelled and
/// abandoned when a deadline or an abort wins, never awaited.
///
/// Not generic (every runner phase returns `Void`), so nothing on this path instantiates type
/// metadata at run time.
final class Race: Sendable {
    typealias Outcome = BoundedOutcome<Void>

    private struct State {
        var outcome: Outcome?
        var cleanups: [@Sendable (Outcome) -> Void] = []
    }

    private let state = Mutex(State())
    private let then: @Sendable (Outcome) -> Void

    private init(then: @escaping @Sendable (Outcome) -> Void) { self.then = then }

    /// Settles the race with `outcome` unless it is settled already: runs the cleanups, then the
    /// callback. Returns whether this call won.
    @discardableResult
    private func settle(_ outcome: Outcome) -> Bool {
        let cleanups = state.withLock { s -> [@Sendable (Outcome) -> Void]? in
            guard s.outcome == nil else { return nil }
            s.outcome = outcome
            defer { s.cleanups = [] }
            return s.cleanups
        }
        guard let cleanups else { return false }
        for cleanup in cleanups { cleanup(outcome) }
        then(outcome)
        return true
    }

    /// Runs `cleanup` when the race is settled, before the callback (at once if it is settled).
    private func onSettled(_ cleanup: @escaping @Sendable (Outcome) -> Void) {
        let settled = state.withLock { s -> Outcome? in
            if let outcome = s.outcome { return outcome }
            s.cleanups.append(cleanup)
            return nil
        }
        if let settled { cleanup(settled) }
    }

    private func arm(deadline: Duration?, scheduler: DeadlineScheduler, abortOn latches: [Latch]) {
        guard state.withLock({ $0.outcome == nil }) else { return }  // settled while being set up
        if let deadline {
            let timer = scheduler.schedule(at: deadline) { [self] in settle(.timedOut) }
            onSettled { _ in scheduler.cancel(timer) }
        }
        for latch in latches {
            let token = latch.observe { [self] in settle(.aborted) }
            onSettled { _ in latch.removeObserver(token) }
        }
    }

    /// Runs `work` in a task of its own, bounded by an optional deadline and by abort latches, and
    /// calls `then` with the first outcome. An abort latch that already fired means
    /// the work never begins (`then(.aborted)` at once, `began` not called); otherwise `began` is
    /// called before this returns; abandoned work is cancelled, and `late` gets its result if it
    /// finishes anyway.
    static func run(
        deadline: Duration?,
        scheduler: DeadlineScheduler,
        abortOn latches: [Latch] = [],
        began: (() -> Void)? = nil,
        _ work: @escaping @Sendable () async throws -> Void,
        late: (@Sendable (Result<Void, any Error>) -> Void)? = nil,
        then: @escaping @Sendable (Outcome) -> Void
    ) {
        if latches.contains(where: \.isFired) { return then(.aborted) }
        began?()
        let race = Race(then: then)
        let task = Task {
            let result: Result<Void, any Error>
            do { result = .success(try await work()) } catch { result = .failure(error) }
            if !race.settle(.completed(result)) { late?(result) }
        }
        race.onSettled { outcome in
            if case .completed = outcome {} else { task.cancel() }
        }
        race.arm(deadline: deadline, scheduler: scheduler, abortOn: latches)
    }

    /// Calls `then` once `latch` fires, or the deadline passes, or an abort latch fires, whichever
    /// is first (a latch that already fired wins over an abort that already fired).
    static func wait(for latch: Latch, deadline: Duration?, scheduler: DeadlineScheduler, abortOn latches: [Latch] = [],
                     then: @escaping @Sendable (Outcome) -> Void) {
        if latch.isFired { return then(.completed(.success(()))) }
        if latches.contains(where: \.isFired) { return then(.aborted) }
        let race = Race(then: then)
        let token = latch.observe { race.settle(.completed(.success(()))) }
        race.onSettled { _ in latch.removeObserver(token) }
        race.arm(deadline: deadline, scheduler: scheduler, abortOn: latches)
    }

    /// Calls `then` once every key in `keys` is healthy at the same time (`.completed(.failure)` at
    /// once for a key that is not registered), or the deadline passes, or an abort latch fires.
    /// An abort latch that already fired wins.
    static func waitUntilHealthy(_ keys: [HealthKey], in registry: HealthRegistry, deadline: Duration?,
                                 scheduler: DeadlineScheduler, abortOn latches: [Latch] = [],
                                 then: @escaping @Sendable (Outcome) -> Void) {
        if latches.contains(where: \.isFired) { return then(.aborted) }
        let race = Race(then: then)
        let token = registry.whenHealthy(keys) { result in race.settle(.completed(result.mapError { $0 })) }
        if let token { race.onSettled { _ in registry.cancelWhenHealthy(token) } }
        race.arm(deadline: deadline, scheduler: scheduler, abortOn: latches)
    }
}
