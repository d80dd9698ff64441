import StewardJobs
import Synchronization

/// The subscribers of a ``PostgresRunStore``'s events: every stream made by ``stream()`` gets
/// every event yielded after it was made, until the hub finishes.
///
/// Events are hints to look again, so a subscriber's queue coalesces them: an event already
/// waiting in it is not queued twice (a burst of a thousand admissions on other nodes wakes a
/// slow consumer once, not a thousand times), and the queue holds at most 1,000 events.
final class PostgresEventHub: Sendable {
    /// One subscriber's queue and its waiting consumer.
    private final class Subscriber: Sendable {
        private struct State {
            var queue: [SharedStoreEvent] = []
            var waiter: CheckedContinuation<SharedStoreEvent?, Never>?
            var finished = false
        }

        private let state = Mutex(State())

        func yield(_ event: SharedStoreEvent) {
            let waiter = state.withLock { s -> CheckedContinuation<SharedStoreEvent?, Never>? in
                guard !s.finished else { return nil }
                if let waiter = s.waiter {
                    s.waiter = nil
                    return waiter
                }
                if !s.queue.contains(event) && s.queue.count < 1000 { s.queue.append(event) }
                return nil
            }
            waiter?.resume(returning: event)
        }

        func finish() {
            let waiter = state.withLock { s -> CheckedContinuation<SharedStoreEvent?, Never>? in
                s.finished = true
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }

        /// The next event; `nil` once finished (or when the consuming task is cancelled).
        func next() async -> SharedStoreEvent? {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<SharedStoreEvent?, Never>) in
                    let ready = state.withLock { s -> SharedStoreEvent?? in
                        if !s.queue.isEmpty { return .some(s.queue.removeFirst()) }
                        if s.finished || Task.isCancelled { return .some(nil) }
                        s.waiter = continuation
                        return .none
                    }
                    if case .some(let event) = ready { continuation.resume(returning: event) }
                }
            } onCancel: {
                finish()
            }
        }
    }

    /// The hub holds its subscribers weakly: a stream that is dropped takes its queue with it.
    private struct Held {
        weak var subscriber: Subscriber?
    }

    private struct State {
        var subscribers: [UInt64: Held] = [:]
        var next: UInt64 = 0
        var finished = false
    }

    private let state = Mutex(State())

    /// A new subscriber's stream (already finished once the hub is).
    func stream() -> AsyncStream<SharedStoreEvent> {
        let subscriber = Subscriber()
        let token = state.withLock { s -> UInt64? in
            guard !s.finished else { return nil }
            s.next += 1
            s.subscribers[s.next] = Held(subscriber: subscriber)
            return s.next
        }
        guard let token else {
            subscriber.finish()
            return AsyncStream { nil }
        }
        return AsyncStream(unfolding: { await subscriber.next() }, onCancel: { [weak self] in
            subscriber.finish()
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: token) }
        })
    }

    /// Hands `event` to every subscriber.
    func yield(_ event: SharedStoreEvent) {
        let subscribers = state.withLock { s -> [Subscriber] in
            s.subscribers = s.subscribers.filter { $0.value.subscriber != nil }
            return s.subscribers.values.compactMap(\.subscriber)
        }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// Ends every stream; later streams end at once.
    func finish() {
        let subscribers = state.withLock { s -> [Subscriber] in
            s.finished = true
            defer { s.subscribers = [:] }
            return s.subscribers.values.compactMap(\.subscriber)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
