import Synchronization

/// One subscriber's buffer of lifecycle events: the bus appends, the subscriber's stream takes
/// everything buffered at once. The buffering policy is `AsyncStream`'s: unbounded, or the oldest
/// or the newest `n` kept while the reader is behind (an event is never dropped while the reader
/// waits for one).
final class EventSubscription: Sendable {
    private struct State {
        var buffer: [LifecycleEvent] = []
        /// Events before `head` were dropped (the newest `n` kept); compacted now and then.
        var head = 0
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?

        var count: Int { buffer.count - head }
    }

    /// The most events kept while the reader is behind, `nil` for no limit.
    private let limit: Int?
    /// Whether, at the limit, the newest events are kept (the oldest dropped).
    private let keepsNewest: Bool
    private let state = Mutex(State())

    init(policy: AsyncStream<LifecycleEvent>.Continuation.BufferingPolicy) {
        switch policy {
        case .bufferingOldest(let n):
            limit = max(0, n)
            keepsNewest = false
        case .bufferingNewest(let n):
            limit = max(0, n)
            keepsNewest = true
        default:
            limit = nil
            keepsNewest = false
        }
    }

    /// Buffers `event` (or drops it, as the policy says), and wakes the reader if it waits.
    func append(_ event: LifecycleEvent) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.finished else { return nil }
            if let waiter = s.waiter {
                // The reader waits, so nothing is buffered: hand this one over whatever the limit.
                s.waiter = nil
                s.buffer.append(event)
                return waiter
            }
            guard let limit, s.count >= limit else {
                s.buffer.append(event)
                return nil
            }
            guard keepsNewest, limit > 0 else { return nil }
            s.head += 1
            s.buffer.append(event)
            if s.head >= 64, s.head * 2 >= s.buffer.count {
                s.buffer.removeFirst(s.head)
                s.head = 0
            }
            return nil
        }
        waiter?.resume()
    }

    /// No more events: the reader gets what is buffered, then the end.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// The reader is gone (cancelled or released): nothing more is buffered.
    func cancel() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            s.buffer = []
            s.head = 0
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Everything buffered (from index `start` of `events`), waiting until there is something;
    /// empty once finished and drained. One reader at a time.
    func take() async -> (events: [LifecycleEvent], start: Int) {
        while true {
            let taken = state.withLock { s -> (events: [LifecycleEvent], start: Int)? in
                guard s.count > 0 else { return s.finished ? ([], 0) : nil }
                defer { s.buffer = []; s.head = 0 }
                return (s.buffer, s.head)
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.count > 0 || s.finished { return true }
                    s.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// What a subscriber's stream holds: it serves one event at a time from the batch it took last,
    /// and leaves the bus when released.
    final class Handle: Sendable {
        private let subscription: EventSubscription
        private let onRelease: @Sendable () -> Void
        private let batch = Mutex<(events: [LifecycleEvent], next: Int)>(([], 0))

        init(_ subscription: EventSubscription, onRelease: @escaping @Sendable () -> Void) {
            self.subscription = subscription
            self.onRelease = onRelease
        }

        deinit {
            subscription.cancel()
            onRelease()
        }

        /// The next event, or `nil` at the end.
        func next() async -> LifecycleEvent? {
            if let event = batch.withLock({ b -> LifecycleEvent? in
                guard b.next < b.events.count else { return nil }
                defer { b.next += 1 }
                return b.events[b.next]
            }) {
                return event
            }
            let (events, start) = await subscription.take()
            guard start < events.count else { return nil }
            batch.withLock { $0 = (events, start + 1) }
            return events[start]
        }

        /// The reading task was cancelled: the stream ends.
        func cancel() {
            subscription.cancel()
            onRelease()
        }
    }
}
