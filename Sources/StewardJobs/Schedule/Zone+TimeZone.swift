#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Zone {
    /// The ``Zone`` for Foundation's `timeZone`: the zone of the same identifier from
    /// ``ZoneDatabase/system``, or, for a zone it does not know (`TimeZone(secondsFromGMT:)`), a
    /// fixed offset.
    ///
    /// The one bridge to Foundation's `TimeZone`, for source compatibility: Foundation resolves
    /// `TimeZone(identifier:)` through ICU, which a static binary lacks; steward itself uses
    /// ``Zone`` throughout.
    public init(_ timeZone: TimeZone) {
        if let zone = try? Zone(identifier: timeZone.identifier) {
            self = zone
        } else {
            self.init(secondsFromUTC: timeZone.secondsFromGMT())
        }
    }
}

// Source compatibility: the schedule API took Foundation's `TimeZone` before it took ``Zone``.
// Each overload converts with ``Zone/init(_:)`` (by identifier).

extension CronExpression {
    /// Parses `text` for the wall clock of `zone` (converted to a ``Zone`` by identifier).
    /// - Throws: ``CronSyntaxError`` naming the field and the 1-based column of the problem.
    @_disfavoredOverload
    public init(_ text: String, zone: TimeZone, options: Options = Options()) throws(CronSyntaxError) {
        try self.init(text, zone: Zone(zone), options: options)
    }
}

extension InstantText {
    /// `parse(_:zone:)` with Foundation's `zone` converted to a ``Zone``.
    /// - Throws: ``ScheduleError/Kind/invalidInstant`` naming the text and the 0-based position.
    @_disfavoredOverload
    public static func parse(_ text: String, zone: TimeZone) throws(ScheduleError) -> Date {
        try parse(text, zone: Zone(zone))
    }

    /// `format(_:zone:)` with Foundation's `zone` converted to a ``Zone``.
    @_disfavoredOverload
    public static func format(_ instant: Date, zone: TimeZone) -> String {
        format(instant, zone: Zone(zone))
    }
}

extension Weekday {
    /// The weekday `instant` falls on in Foundation's `zone`.
    @_disfavoredOverload
    public init(of instant: Date, in zone: TimeZone) {
        self.init(of: instant, in: Zone(zone))
    }
}

extension ScheduleSpec {
    /// `parse(cron:every:at:zone:defaultZone:anchor:start:end:options:)`
    /// with Foundation's `defaultZone` converted to a ``Zone``.
    @_disfavoredOverload
    public static func parse(cron: String?, every: String?, at: String?, zone: String?, defaultZone: TimeZone,
                             anchor: Date, start: String? = nil, end: String? = nil,
                             options: CronExpression.Options = .init()) throws(ScheduleError) -> (any Schedule)? {
        try parse(cron: cron, every: every, at: at, zone: zone, defaultZone: Zone(defaultZone), anchor: anchor,
                  start: start, end: end, options: options)
    }
}

extension CalendarSchedule {
    /// `hourly(atMinute:second:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func hourly(atMinute minute: Int, second: Int = 0, zone: TimeZone) throws(ScheduleError) -> CalendarSchedule {
        try hourly(atMinute: minute, second: second, zone: Zone(zone))
    }

    /// `daily(at:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func daily(at time: TimeOfDay, zone: TimeZone) -> CalendarSchedule {
        daily(at: time, zone: Zone(zone))
    }

    /// `weekdays(at:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func weekdays(at time: TimeOfDay, zone: TimeZone) -> CalendarSchedule {
        weekdays(at: time, zone: Zone(zone))
    }

    /// `weekly(on:at:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func weekly(on weekdays: Set<Weekday>, at time: TimeOfDay, zone: TimeZone) throws(ScheduleError) -> CalendarSchedule {
        try weekly(on: weekdays, at: time, zone: Zone(zone))
    }

    /// `monthly(onDay:at:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func monthly(onDay day: Int, at time: TimeOfDay, zone: TimeZone) throws(ScheduleError) -> CalendarSchedule {
        try monthly(onDay: day, at: time, zone: Zone(zone))
    }

    /// `monthlyOnLastDay(at:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func monthlyOnLastDay(at time: TimeOfDay, zone: TimeZone) -> CalendarSchedule {
        monthlyOnLastDay(at: time, zone: Zone(zone))
    }

    /// `monthly(_:_:at:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func monthly(_ occurrence: Int, _ weekday: Weekday, at time: TimeOfDay, zone: TimeZone) throws(ScheduleError) -> CalendarSchedule {
        try monthly(occurrence, weekday, at: time, zone: Zone(zone))
    }

    /// `monthly(last:at:zone:)` in Foundation's `zone`.
    @_disfavoredOverload
    public static func monthly(last weekday: Weekday, at time: TimeOfDay, zone: TimeZone) -> CalendarSchedule {
        monthly(last: weekday, at: time, zone: Zone(zone))
    }
}
