import Synchronization

/// Fans lifecycle events out to subscribers. With no subscriber, emitting costs a lock and an
/// emptiness check.
///
/// Each subscriber has a buffer of its own (``EventSubscription``) that its stream reads in
/// batches: emitting appends under the buffer's lock and wakes the reader only if it is waiting,
/// and the reader takes everything buffered at once, so a burst of events (a priority group's
/// phase) costs one wake-up, not one per event. The stream is an `AsyncStream` with the buffering
/// policy the subscriber chose, as before.
final class EventBus: Sendable {
    private struct State {
        var subscribers: [EventSubscription] = []
        var finished = false
    }

    private let state = Mutex(State())

    func subscribe(bufferingPolicy: AsyncStream<LifecycleEvent>.Continuation.BufferingPolicy) -> AsyncStream<LifecycleEvent> {
        let subscription = EventSubscription(policy: bufferingPolicy)
        let added = state.withLock { s -> Bool in
            guard !s.finished else { return false }
            s.subscribers.append(subscription)
            return true
        }
        if !added { subscription.finish() }
        // The reader's handle: when the stream (and so this closure) is released, the subscriber
        // leaves the bus, as an `AsyncStream` continuation's `onTermination` did.
        let handle = EventSubscription.Handle(subscription) { [weak self] in self?.remove(subscription) }
        return AsyncStream(unfolding: { await handle.next() }, onCancel: { handle.cancel() })
    }

    private func remove(_ subscription: EventSubscription) {
        state.withLock { s in s.subscribers.removeAll { $0 === subscription } }
    }

    var hasSubscribers: Bool { state.withLock { !$0.subscribers.isEmpty } }

    func emit(_ event: LifecycleEvent) {
        let subscribers = state.withLock { $0.subscribers }
        for subscriber in subscribers { subscriber.append(event) }
    }

    /// Ends every stream (each still delivers what it buffered); later subscribers get an
    /// already-finished stream.
    func finish() {
        let subscribers = state.withLock { s in
            s.finished = true
            defer { s.subscribers = [] }
            return s.subscribers
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
