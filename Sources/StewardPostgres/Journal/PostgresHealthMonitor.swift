#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJournal
import Synchronization

/// Whether the shared journal's database can be reached, as a ``PostgresRunStore`` sees it: every
/// statement that succeeds says yes, every lost or refused connection says no. A change is
/// logged once (a warning when the database is lost, a notice when it is back, with how long it
/// was away) and handed to the observers; the errors thrown meanwhile are marked announced, so
/// the scheduler logs them at debug level only.
final class PostgresHealthMonitor: Sendable {
    private struct State {
        var health: JournalHealth
        var observers: [UInt64: @Sendable (JournalHealth) -> Void] = [:]
        var nextToken: UInt64 = 0
        /// Whether the current outage was logged (a store still connecting has not said anything).
        var announced = true
    }

    private let state: Mutex<State>
    /// A fast path for the common case: healthy, nothing to change.
    private let healthy = Atomic<Bool>(true)
    private let logger: Logger
    private let location: String

    init(logger: Logger, location: String) {
        self.logger = logger
        self.location = location
        state = Mutex(State(health: JournalHealth(isHealthy: true, since: Date())))
    }

    /// The current health.
    var health: JournalHealth { state.withLock { $0.health } }

    /// Adds an observer; returns its token.
    func observe(_ handler: @escaping @Sendable (JournalHealth) -> Void) -> UInt64 {
        state.withLock { s in
            s.nextToken += 1
            s.observers[s.nextToken] = handler
            return s.nextToken
        }
    }

    /// Removes an observer.
    func remove(_ token: UInt64) {
        _ = state.withLock { $0.observers.removeValue(forKey: token) }
    }

    /// A statement succeeded: the database is reachable. Returns whether that is a change.
    @discardableResult
    func reachable() -> Bool {
        guard !healthy.load(ordering: .acquiring) else { return false }
        let change = state.withLock { s -> (JournalHealth, Duration, [@Sendable (JournalHealth) -> Void], Bool)? in
            guard !s.health.isHealthy else { return nil }
            let announced = s.announced
            s.announced = true
            let now = Date()
            let downFor = Duration.milliseconds(Int64(max(0, now.timeIntervalSince(s.health.since)) * 1000))
            s.health = JournalHealth(isHealthy: true, since: now)
            healthy.store(true, ordering: .releasing)
            return (s.health, downFor, Array(s.observers.values), announced)
        }
        guard let (health, downFor, observers, announced) = change else { return false }
        if announced { logger.notice("the shared journal is reachable again", metadata: ["journal": location, "down_for": downFor.compactDescription]) }
        for observer in observers { observer(health) }
        return true
    }

    /// The database could not be reached (or a connection broke): unhealthy with `reason`.
    /// Returns whether that is a change (the caller then starts probing).
    @discardableResult
    func unreachable(_ reason: String) -> Bool {
        let change = state.withLock { s -> (JournalHealth, [@Sendable (JournalHealth) -> Void])?? in
            guard s.health.isHealthy else {
                s.health.reason = reason
                if s.announced { return .none }
                s.announced = true
                return .some(nil)  // log, no change to tell
            }
            s.health = JournalHealth(isHealthy: false, reason: reason, since: Date())
            healthy.store(false, ordering: .releasing)
            return (s.health, Array(s.observers.values))
        }
        guard let change else { return false }
        logger.warning("the shared journal cannot be reached; processes are supervised as before, jobs wait for it",
                       metadata: ["journal": location, "reason": reason])
        guard let (health, observers) = change else { return false }
        for observer in observers { observer(health) }
        return true
    }

    /// A store still connecting: unhealthy with `reason`, nothing logged until an attempt fails.
    func starting(_ reason: String) {
        state.withLock { s in
            s.health = JournalHealth(isHealthy: false, reason: reason, since: Date())
            s.announced = false
            healthy.store(false, ordering: .releasing)
        }
    }
}
