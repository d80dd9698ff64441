import Synchronization

/// Hands runs' progress reports to subscribers, coalesced per run: the first report goes out at
/// once, later ones at most every ``interval`` (``maximumPerSecond`` a second), each time the
/// latest value; a value held back goes out when its interval ends, or when the run ends
/// (``finish(_:)``), so the last one is never lost.
///
/// Coalescing is shared by every subscriber (one timer per run at most, only while a value is
/// held back); without subscribers a report costs one lock and nothing else.
final class ProgressFeed: Sendable {
    /// The most updates a run's subscribers get per second.
    static let maximumPerSecond = 10
    /// The shortest time between two updates of one run.
    static let interval: Duration = .seconds(1) / maximumPerSecond

    private struct RunState {
        var lastSent: ContinuousClock.Instant
        var held: RunProgressUpdate?
        var timer: Task<Void, Never>?
        /// Which timer may release `held`: a timer left from an earlier interval (its run sent
        /// at once since, because the timer ran late) must not send early.
        var timerToken: UInt64 = 0
    }

    private struct State {
        var next: UInt64 = 0
        var nextTimer: UInt64 = 0
        var subscribers: [UInt64: AsyncStream<RunProgressUpdate>.Continuation] = [:]
        var runs: [RunID: RunState] = [:]

        func send(_ update: RunProgressUpdate) {
            for continuation in subscribers.values { continuation.yield(update) }
        }
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (ContinuousClock.Instant) async -> Void

    /// A feed on the continuous clock; tests inject the clock and the wait for an interval's end.
    init(
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        sleep: @escaping @Sendable (ContinuousClock.Instant) async -> Void = { try? await Task.sleep(until: $0, clock: .continuous) }
    ) {
        self.now = now
        self.sleep = sleep
    }

    /// A new subscription; it ends when the caller stops iterating.
    func subscribe(bufferingPolicy: AsyncStream<RunProgressUpdate>.Continuation.BufferingPolicy) -> AsyncStream<RunProgressUpdate> {
        let (stream, continuation) = AsyncStream<RunProgressUpdate>.makeStream(bufferingPolicy: bufferingPolicy)
        let id = state.withLock { s in
            s.next += 1
            s.subscribers[s.next] = continuation
            return s.next
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    /// A run reported progress: sent now, or held until its interval ends.
    func report(_ update: RunProgressUpdate) {
        let now = now()
        state.withLock { s in
            guard !s.subscribers.isEmpty else { return }
            guard var run = s.runs[update.runId], now < run.lastSent + Self.interval else {
                s.runs[update.runId]?.timer?.cancel()
                s.runs[update.runId] = RunState(lastSent: now)
                s.send(update)
                return
            }
            run.held = update
            if run.timer == nil {
                let deadline = run.lastSent + Self.interval
                s.nextTimer += 1
                let token = s.nextTimer
                run.timerToken = token
                let sleep = self.sleep
                run.timer = Task { [weak self] in
                    await sleep(deadline)
                    self?.release(update.runId, token: token)
                }
            }
            s.runs[update.runId] = run
        }
    }

    /// A held value's interval ended: send it.
    private func release(_ runId: RunID, token: UInt64) {
        let now = now()
        state.withLock { s in
            guard var run = s.runs[runId], run.timer != nil, run.timerToken == token else { return }
            run.timer = nil
            if let held = run.held {
                run.held = nil
                run.lastSent = now
                s.send(held)
            }
            s.runs[runId] = run
        }
    }

    /// The run ended: send a held value now and forget the run.
    func finish(_ runId: RunID) {
        state.withLock { s in
            guard let run = s.runs.removeValue(forKey: runId) else { return }
            run.timer?.cancel()
            if let held = run.held { s.send(held) }
        }
    }
}
