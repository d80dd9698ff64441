#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A schedule limited to a window: the fires of ``base`` from ``start`` on (a fire exactly at
/// `start` happens) through ``end`` (a fire exactly at `end` happens). Either bound may be open.
/// What a cron expression or a calendar preset needs for "from this date, until that one"
/// (``IntervalSchedule`` has its own anchor and end).
public struct WindowedSchedule: Schedule {
    /// The unbounded schedule.
    public let base: any Schedule
    /// The first instant a fire may fall on; `nil` for no start.
    public let start: Date?
    /// The last instant a fire may fall on; `nil` for no end.
    public let end: Date?

    /// Creates the window.
    /// - Throws: ``ScheduleError/Kind/invalidValue`` (setting `end`) when `end` is before `start`.
    public init(_ base: any Schedule, start: Date?, end: Date?) throws(ScheduleError) {
        if let start, let end, end < start {
            throw ScheduleError(.invalidValue, "end \(InstantText.format(end)) is before start \(InstantText.format(start))",
                                setting: "end")
        }
        self.base = base
        self.start = start
        self.end = end
    }

    /// The base's first fire strictly after `instant` and not before ``start``; `nil` past ``end``.
    public func nextFire(after instant: Date) -> Date? {
        var from = instant
        // Just before `start`, so that a fire exactly at `start` is found.
        if let start, start.addingTimeInterval(-0.000_5) > from { from = start.addingTimeInterval(-0.000_5) }
        guard let next = base.nextFire(after: from) else { return nil }
        if let end, next > end { return nil }
        return next
    }

    /// `cron "0 0 3 * * *" in UTC, from 2026-12-01T00:00:00Z, until 2027-01-01T00:00:00Z`.
    public var description: String {
        var text = base.description
        if let start { text += ", from \(InstantText.format(start))" }
        if let end { text += ", until \(InstantText.format(end))" }
        return text
    }
}
