import Synchronization

/// Hands every run's state changes (created, started, ended) to whoever subscribed: the
/// `/events` stream, a test, an application's own dashboard. Every change also feeds the
/// per-job ``counters``; a final one first sends the run's held-back progress (``progress``).
final class RunEvents: Sendable {
    /// Runs' coalesced progress reports.
    let progress = ProgressFeed()
    /// Per-job run figures.
    let counters = JobRunCounters()
    private let subscribers = Mutex<(next: UInt64, all: [UInt64: AsyncStream<RunRecord>.Continuation])>((0, [:]))

    /// A new subscription; it ends when the caller stops iterating.
    func subscribe(bufferingPolicy: AsyncStream<RunRecord>.Continuation.BufferingPolicy) -> AsyncStream<RunRecord> {
        let (stream, continuation) = AsyncStream<RunRecord>.makeStream(bufferingPolicy: bufferingPolicy)
        let id = subscribers.withLock { s in
            s.next += 1
            s.all[s.next] = continuation
            return s.next
        }
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.all.removeValue(forKey: id) } }
        return stream
    }

    /// Sends `record` to every subscriber.
    func emit(_ record: RunRecord) {
        counters.observe(record)
        if record.state.isFinal { progress.finish(record.runId) }
        for continuation in subscribers.withLock({ Array($0.all.values) }) { continuation.yield(record) }
    }
}
