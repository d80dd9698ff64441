#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One row of `steward jobs` (NEXT, LEFT, LAST, STATUS, like `systemctl list-timers`).
public struct JobSummary: Sendable, Hashable {
    /// The definition's id.
    public var id: JobID
    /// Its name.
    public var name: String
    /// Its description.
    public var description: String
    /// Whether schedule fires happen.
    public var isEnabled: Bool
    /// The schedule's description (`"*/30 * * * * *"`); `nil` for on-demand jobs.
    public var schedule: String?
    /// The schedule's zone.
    public var zone: String?
    /// The next fire, when enabled and scheduled.
    public var nextFire: Date?
    /// The latest fire handled.
    public var lastFired: Date?
    /// The latest run that started and ended (any final state), if known.
    public var lastRun: RunRecord?
    /// Runs queued or running now.
    public var activeRuns: Int
    /// The definition's tags.
    public var tags: [String] = []
    /// Whether a runtime change (enable, disable, reschedule) overrides the definition now.
    public var hasRuntimeChanges = false

    /// Creates a row.
    public init(id: JobID, name: String, description: String, isEnabled: Bool, schedule: String?, zone: String?,
                nextFire: Date?, lastFired: Date?, lastRun: RunRecord?, activeRuns: Int) {
        self.id = id
        self.name = name
        self.description = description
        self.isEnabled = isEnabled
        self.schedule = schedule
        self.zone = zone
        self.nextFire = nextFire
        self.lastFired = lastFired
        self.lastRun = lastRun
        self.activeRuns = activeRuns
    }

    /// The time left until ``nextFire`` from `now` (the LEFT column); `nil` without a next fire.
    public func timeLeft(from now: Date) -> Duration? {
        nextFire.map { .milliseconds(Int64(($0.timeIntervalSince(now) * 1000).rounded())) }
    }
}
