#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A ``JobClock`` that moves only when told to, for deterministic tests.
///
/// It keeps two readings: the wall clock (``now``) and elapsed time (``elapsed``).
/// ``advance(by:)`` moves both, as time passing does; ``setWallClock(to:)`` and ``jump(by:)`` move
/// only the wall clock, as an administrator or NTP step would, and wake every wall-clock sleeper
/// with ``JobClockWake/clockChanged`` (like `TFD_TIMER_CANCEL_ON_SET`). Sleepers whose deadline is
/// reached wake in deadline order. Tests synchronise with the code under test through the
/// `waitFor…` methods, which are event-driven and return early when the waiting task is cancelled.
public final class ManualJobClock: JobClock {
    private enum Deadline {
        case wall(Date)
        case elapsed(Duration)
    }

    private struct Sleeper {
        let deadline: Deadline
        let order: UInt64
        let continuation: CheckedContinuation<Result<JobClockWake, CancellationError>, Never>
    }

    private struct Watcher {
        let isSatisfied: @Sendable (_ wall: [Date], _ elapsed: [Duration]) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Date
        var elapsed: Duration = .zero
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var watchers: [UInt64: Watcher] = [:]

        var wallDeadlines: [Date] {
            sleepers.values.compactMap { if case .wall(let date) = $0.deadline { date } else { nil } }.sorted()
        }

        var elapsedDeadlines: [Duration] {
            sleepers.values.compactMap { if case .elapsed(let offset) = $0.deadline { offset } else { nil } }.sorted()
        }
    }

    private let state: Mutex<State>

    /// Creates a clock reading `now` on the wall and zero elapsed.
    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex(State(now: now))
    }

    /// The wall clock.
    public var now: Date { state.withLock { $0.now } }

    /// Elapsed time since the clock was created (moved only by ``advance(by:)``).
    public var elapsed: Duration { state.withLock { $0.elapsed } }

    /// See ``JobClock/sleep(until:)``.
    public func sleep(until deadline: Date) async throws(CancellationError) -> JobClockWake {
        try await park(.wall(deadline)) { s in deadline <= s.now ? .deadlineReached : nil }
    }

    /// See ``JobClock/sleep(for:)``.
    public func sleep(for duration: Duration) async throws(CancellationError) {
        _ = try await park(.elapsed(elapsed + duration)) { _ in duration <= .zero ? .deadlineReached : nil }
    }

    /// Registers a sleeper unless `immediate` answers at once.
    private func park(_ deadline: Deadline, immediate: @escaping @Sendable (State) -> JobClockWake?) async throws(CancellationError) -> JobClockWake {
        if Task.isCancelled { throw CancellationError() }
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<JobClockWake, CancellationError>, Never>) in
                let (answer, watchers) = state.withLock { s -> (Result<JobClockWake, CancellationError>?, [CheckedContinuation<Void, Never>]) in
                    if Task.isCancelled { return (.failure(CancellationError()), []) }
                    if let wake = immediate(s) { return (.success(wake), []) }
                    if case .elapsed(let offset) = deadline, offset <= s.elapsed { return (.success(.deadlineReached), []) }
                    s.sleepers[id] = Sleeper(deadline: deadline, order: id, continuation: continuation)
                    return (nil, Self.satisfiedWatchers(&s))
                }
                if let answer { continuation.resume(returning: answer) }
                for watcher in watchers { watcher.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(returning: .failure(CancellationError()))
        }
        return try result.get()
    }

    /// Moves the wall clock and elapsed time forward by `duration` (a negative duration does
    /// nothing), waking every sleeper whose deadline is reached, earliest first.
    public func advance(by duration: Duration) {
        guard duration > .zero else { return }
        let due = state.withLock { s -> [Sleeper] in
            s.elapsed += duration
            s.now = s.now.addingTimeInterval(Self.seconds(duration))
            let due = s.sleepers.values.filter { sleeper in
                switch sleeper.deadline {
                case .wall(let date): date <= s.now
                case .elapsed(let offset): offset <= s.elapsed
                }
            }
            for sleeper in due { s.sleepers.removeValue(forKey: sleeper.order) }
            return due.sorted { Self.key($0, s) < Self.key($1, s) }
        }
        for sleeper in due { sleeper.continuation.resume(returning: .success(.deadlineReached)) }
    }

    /// Moves time forward until the wall clock reads `instant` (nothing if it already does).
    public func advance(to instant: Date) {
        let gap = instant.timeIntervalSince(now)
        if gap > 0 { advance(by: .nanoseconds(Int64((gap * 1e9).rounded()))) }
    }

    /// Sets the wall clock (forwards or backwards) without elapsed time passing; every wall-clock
    /// sleeper wakes with ``JobClockWake/clockChanged``.
    public func setWallClock(to instant: Date) {
        let woken = state.withLock { s -> [Sleeper] in
            s.now = instant
            let woken = s.sleepers.values.filter { if case .wall = $0.deadline { true } else { false } }
            for sleeper in woken { s.sleepers.removeValue(forKey: sleeper.order) }
            return woken.sorted { $0.order < $1.order }
        }
        for sleeper in woken { sleeper.continuation.resume(returning: .success(.clockChanged)) }
    }

    /// Steps the wall clock by `offset` (negative: backwards); see ``setWallClock(to:)``.
    public func jump(by offset: Duration) {
        setWallClock(to: now.addingTimeInterval(Self.seconds(offset)))
    }

    /// The deadlines of the current wall-clock sleepers, earliest first.
    public var wallSleeperDeadlines: [Date] { state.withLock { $0.wallDeadlines } }

    /// The deadlines (as elapsed offsets) of the current elapsed-time sleepers, earliest first.
    public var elapsedSleeperDeadlines: [Duration] { state.withLock { $0.elapsedDeadlines } }

    /// Returns once a wall-clock sleeper with exactly this deadline waits.
    public func waitForWallSleeper(until deadline: Date) async {
        await waitUntil { wall, _ in wall.contains(deadline) }
    }

    /// Returns once at least `count` wall-clock sleepers wait.
    public func waitForWallSleepers(count: Int) async {
        await waitUntil { wall, _ in wall.count >= count }
    }

    /// Returns once at least `count` elapsed-time sleepers wait.
    public func waitForElapsedSleepers(count: Int) async {
        await waitUntil { _, elapsed in elapsed.count >= count }
    }

    /// Returns once an elapsed-time sleeper waits for exactly `offset` (as in ``elapsed``).
    public func waitForElapsedSleeper(at offset: Duration) async {
        await waitUntil { _, elapsed in elapsed.contains(offset) }
    }

    private func waitUntil(_ condition: @escaping @Sendable ([Date], [Duration]) -> Bool) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if Task.isCancelled || condition(s.wallDeadlines, s.elapsedDeadlines) { return true }
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
        let (wall, elapsed) = (s.wallDeadlines, s.elapsedDeadlines)
        let satisfied = s.watchers.filter { $0.value.isSatisfied(wall, elapsed) }
        for id in satisfied.keys { s.watchers.removeValue(forKey: id) }
        return satisfied.values.map(\.continuation)
    }

    /// Sort key: seconds of wall time at which the sleeper was due, for waking in deadline order.
    private static func key(_ sleeper: Sleeper, _ s: State) -> Double {
        switch sleeper.deadline {
        case .wall(let date): date.timeIntervalSince1970
        case .elapsed(let offset): s.now.timeIntervalSince1970 - seconds(s.elapsed - offset)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
