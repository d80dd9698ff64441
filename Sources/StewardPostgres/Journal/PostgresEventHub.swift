import StewardJobs
import Synchronization

/// The subscribers of a ``PostgresRunStore``'s events: every stream made by ``stream()`` gets
/// every event yielded after it was made, until the hub finishes.
final class PostgresEventHub: Sendable {
    private struct State {
        var subscribers: [UInt64: AsyncStream<SharedStoreEvent>.Continuation] = [:]
        var next: UInt64 = 0
        var finished = false
    }

    private let state = Mutex(State())

    /// A new subscriber's stream (already finished once the hub is).
    func stream() -> AsyncStream<SharedStoreEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SharedStoreEvent.self, bufferingPolicy: .bufferingNewest(1000))
        let token = state.withLock { s -> UInt64? in
            guard !s.finished else { return nil }
            s.next += 1
            s.subscribers[s.next] = continuation
            return s.next
        }
        guard let token else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: token) }
        }
        return stream
    }

    /// Hands `event` to every subscriber.
    func yield(_ event: SharedStoreEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// Ends every stream; later streams end at once.
    func finish() {
        let subscribers = state.withLock { s -> [AsyncStream<SharedStoreEvent>.Continuation] in
            s.finished = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
