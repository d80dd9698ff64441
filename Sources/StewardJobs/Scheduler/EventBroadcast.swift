import Synchronization

/// Hands every value it is given to whoever subscribed, each subscriber with its own buffer (a
/// slow one loses values per its buffering policy, never slowing the sender).
final class EventBroadcast<Value: Sendable>: Sendable {
    private let subscribers = Mutex<(next: UInt64, all: [UInt64: AsyncStream<Value>.Continuation])>((0, [:]))

    /// A new subscription; it ends when the caller stops iterating.
    func subscribe(bufferingPolicy: AsyncStream<Value>.Continuation.BufferingPolicy) -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: bufferingPolicy)
        let id = subscribers.withLock { s in
            s.next += 1
            s.all[s.next] = continuation
            return s.next
        }
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.all.removeValue(forKey: id) } }
        return stream
    }

    /// Sends `value` to every subscriber.
    func emit(_ value: Value) {
        for continuation in subscribers.withLock({ Array($0.all.values) }) { continuation.yield(value) }
    }
}
