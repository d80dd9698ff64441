import Synchronization

/// A clock that moves only when told to, so timeouts are tested without sleeping.
///
/// Sleepers wake when ``advance(by:)`` or ``advance(to:)`` reaches their deadline, in deadline
/// order. Tests synchronise with the code under test through ``waitForSleeper(until:)`` (a timer
/// with that deadline was armed) or ``waitForSleepers(count:)``, both event-driven.
public final class ManualClock: Clock, Sendable {
    /// An instant of a ``ManualClock``: an offset from its creation.
    public struct Instant: InstantProtocol, Sendable, CustomStringConvertible {
        /// Time since the clock's origin.
        public var offset: Duration

        /// Creates an instant at `offset` from the origin.
        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "t+\(offset)" }
    }

    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        let isSatisfied: @Sendable ([Instant]) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var watchers: [UInt64: Watcher] = [:]
    }

    private let state = Mutex(State())

    /// Creates a clock at offset zero.
    public init() {}

    public var now: Instant { state.withLock { $0.now } }

    public var minimumResolution: Duration { .zero }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resume, watchers) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= s.now || Task.isCancelled { return (true, []) }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (false, Self.satisfiedWatchers(&s))
                }
                if resume {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
                for watcher in watchers { watcher.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration`, waking every sleeper whose deadline is reached.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(by: duration))
    }

    /// Moves time to `instant` (never backwards), waking every sleeper whose deadline is reached.
    public func advance(to instant: Instant) {
        let due = state.withLock { s -> [Sleeper] in
            if instant > s.now { s.now = instant }
            let due = s.sleepers.filter { $0.value.deadline <= s.now }
            for id in due.keys { s.sleepers.removeValue(forKey: id) }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// The deadlines of the current sleepers, earliest first.
    public var sleeperDeadlines: [Instant] {
        state.withLock { $0.sleepers.values.map(\.deadline).sorted() }
    }

    /// Returns once at least `count` sleepers are waiting (or the task is cancelled).
    public func waitForSleepers(count: Int) async {
        await waitUntil { $0.count >= count }
    }

    /// Returns once a sleeper with exactly this deadline is waiting (or the task is cancelled).
    public func waitForSleeper(until deadline: Instant) async {
        await waitUntil { $0.contains(deadline) }
    }

    /// Returns once a sleeper is waiting for `offset` after the clock's origin.
    public func waitForSleeper(at offset: Duration) async {
        await waitForSleeper(until: Instant(offset: offset))
    }

    /// Returns once `condition` holds for the current sleepers, or when the task is cancelled
    /// (so a test's time limit ends a wait for a timer that never comes).
    private func waitUntil(_ condition: @escaping @Sendable ([Instant]) -> Bool) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if Task.isCancelled || condition(s.sleepers.values.map(\.deadline)) { return true }
                    s.watchers[id] = Watcher(isSatisfied: condition, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let watcher = state.withLock { $0.watchers.removeValue(forKey: id) }
            watcher?.continuation.resume()
        }
    }

    private static func satisfiedWatchers(_ s: inout State) -> [CheckedContinuation<Void, Never>] {
        let deadlines = s.sleepers.values.map(\.deadline)
        let satisfied = s.watchers.filter { $0.value.isSatisfied(deadlines) }
        for id in satisfied.keys { s.watchers.removeValue(forKey: id) }
        return satisfied.values.map(\.continuation)
    }
}
