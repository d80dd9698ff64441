/// Hands every run's state changes (created, started, ended) to whoever subscribed: the
/// `/events` stream, a test, an application's own dashboard. Every change also feeds the
/// per-job ``counters``; a final one first sends the run's held-back progress (``progress``).
final class RunEvents: Sendable {
    /// Runs' coalesced progress reports.
    let progress = ProgressFeed()
    /// Per-job run figures.
    let counters = JobRunCounters()
    private let changes = EventBroadcast<RunRecord>()

    /// A new subscription; it ends when the caller stops iterating.
    func subscribe(bufferingPolicy: AsyncStream<RunRecord>.Continuation.BufferingPolicy) -> AsyncStream<RunRecord> {
        changes.subscribe(bufferingPolicy: bufferingPolicy)
    }

    /// Sends `record` to every subscriber.
    func emit(_ record: RunRecord) {
        counters.observe(record)
        if record.state.isFinal { progress.finish(record.runId) }
        changes.emit(record)
    }
}
