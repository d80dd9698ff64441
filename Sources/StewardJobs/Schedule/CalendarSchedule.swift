#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The calendar presets — hourly, daily, weekdays, weekly, monthly on a day, on the last day, or
/// on the n-th weekday — each a fixed-time ``CronExpression`` in an explicit zone with a readable
/// description ("monthly on the 2nd Tuesday at 10:00 (Europe/Berlin)").
///
/// They share the cron expression's daylight-saving rules: a time skipped by a spring-forward gap
/// fires once at the first instant after the gap; a time that occurs twice fires once, at the
/// first occurrence. (`hourly` is an interval: it fires in both passes of a repeated hour and not
/// at all in the skipped one.)
public struct CalendarSchedule: Schedule, Hashable {
    /// The equivalent cron expression (`cron.text` is six-field cron text).
    public let cron: CronExpression
    /// What the schedule does, in words, with its zone.
    public let description: String

    /// The zone whose wall clock the schedule follows.
    public var zone: Zone { cron.zone }

    private init(second: Int, minute: Int, hour: Int?, days: CronDays, dayOfMonth: String, dayOfWeek: String,
                 zone: Zone, words: String) {
        var fields = CronFields()
        fields.seconds = 1 << UInt64(second)
        fields.minutes = 1 << UInt64(minute)
        fields.hours = hour.map { 1 << UInt64($0) } ?? (1 << 24) - 1
        fields.days = days
        let tokens = ["\(second)", "\(minute)", hour.map { "\($0)" } ?? "*", dayOfMonth, "*", dayOfWeek, "*"]
        cron = CronExpression(text: tokens.prefix(6).joined(separator: " "), fields: fields, tokens: tokens, zone: zone)
        description = "\(words) (\(zone.identifier))"
    }

    private init(at time: TimeOfDay, days: CronDays, dayOfMonth: String = "*", dayOfWeek: String = "*", zone: Zone, words: String) {
        self.init(second: time.second, minute: time.minute, hour: time.hour, days: days, dayOfMonth: dayOfMonth,
                  dayOfWeek: dayOfWeek, zone: zone, words: "\(words) at \(time)")
    }

    /// The first fire strictly after `instant`.
    public func nextFire(after instant: Date) -> Date? { cron.nextFire(after: instant) }

    /// Every hour at `minute` (and `second`) past the hour.
    /// - Throws: ``ScheduleError/Kind/invalidValue`` when `minute` or `second` is not 0–59.
    public static func hourly(atMinute minute: Int, second: Int = 0, zone: Zone) throws(ScheduleError) -> CalendarSchedule {
        let time = try TimeOfDay(hour: 0, minute: minute, second: second)
        let words = "hourly at :" + TimeOfDay.twoDigits(minute) + (second == 0 ? "" : ":" + TimeOfDay.twoDigits(second))
        return CalendarSchedule(second: time.second, minute: time.minute, hour: nil, days: CronDays(),
                                dayOfMonth: "*", dayOfWeek: "*", zone: zone, words: words)
    }

    /// Every day at `time`.
    public static func daily(at time: TimeOfDay, zone: Zone) -> CalendarSchedule {
        CalendarSchedule(at: time, days: CronDays(), zone: zone, words: "daily")
    }

    /// Monday to Friday at `time`.
    public static func weekdays(at time: TimeOfDay, zone: Zone) -> CalendarSchedule {
        var days = CronDays()
        days.dayOfWeekRestricted = true
        days.weekdays = 0b0011_1110
        return CalendarSchedule(at: time, days: days, dayOfWeek: "MON-FRI", zone: zone, words: "weekdays (Mon–Fri)")
    }

    /// On each of `weekdays` at `time`.
    /// - Throws: ``ScheduleError/Kind/invalidValue`` when `weekdays` is empty.
    public static func weekly(on weekdays: Set<Weekday>, at time: TimeOfDay, zone: Zone) throws(ScheduleError) -> CalendarSchedule {
        guard !weekdays.isEmpty else { throw ScheduleError(.invalidValue, "a weekly schedule needs at least one weekday") }
        let sorted = weekdays.sorted()
        var days = CronDays()
        days.dayOfWeekRestricted = true
        for weekday in sorted { days.weekdays |= 1 << UInt64(weekday.rawValue) }
        return CalendarSchedule(at: time, days: days, dayOfWeek: sorted.map(\.cronName).joined(separator: ","), zone: zone,
                                words: "weekly on " + sorted.map(\.abbreviation).joined(separator: ", "))
    }

    /// On day `day` (1–31) of every month at `time`; months without that day are skipped (use
    /// `monthlyOnLastDay(at:zone:)` for the end of the month).
    /// - Throws: ``ScheduleError/Kind/invalidValue`` when `day` is not 1–31.
    public static func monthly(onDay day: Int, at time: TimeOfDay, zone: Zone) throws(ScheduleError) -> CalendarSchedule {
        guard (1...31).contains(day) else { throw ScheduleError(.invalidValue, "day of month \(day) is out of range 1–31") }
        var days = CronDays()
        days.dayOfMonthRestricted = true
        days.monthDays = 1 << UInt64(day)
        return CalendarSchedule(at: time, days: days, dayOfMonth: "\(day)", zone: zone, words: "monthly on day \(day)")
    }

    /// On the last day of every month at `time`.
    public static func monthlyOnLastDay(at time: TimeOfDay, zone: Zone) -> CalendarSchedule {
        var days = CronDays()
        days.dayOfMonthRestricted = true
        days.daysBeforeLast = 1
        return CalendarSchedule(at: time, days: days, dayOfMonth: "L", zone: zone, words: "monthly on the last day")
    }

    /// On the `occurrence`-th (1–5) `weekday` of every month at `time`: `monthly(2, .tuesday, …)`
    /// is the second Tuesday. Months without a fifth such weekday are skipped.
    /// - Throws: ``ScheduleError/Kind/invalidValue`` when `occurrence` is not 1–5.
    public static func monthly(_ occurrence: Int, _ weekday: Weekday, at time: TimeOfDay, zone: Zone) throws(ScheduleError) -> CalendarSchedule {
        guard (1...5).contains(occurrence) else { throw ScheduleError(.invalidValue, "occurrence \(occurrence) is out of range 1–5") }
        var days = CronDays()
        days.dayOfWeekRestricted = true
        days.nthWeekdays = [.init(weekday: weekday.rawValue, occurrence: occurrence)]
        let ordinal = ["1st", "2nd", "3rd", "4th", "5th"][occurrence - 1]
        return CalendarSchedule(at: time, days: days, dayOfWeek: "\(weekday.cronName)#\(occurrence)", zone: zone,
                                words: "monthly on the \(ordinal) \(weekday.fullName)")
    }

    /// On the last `weekday` of every month at `time` (`5L` in cron).
    public static func monthly(last weekday: Weekday, at time: TimeOfDay, zone: Zone) -> CalendarSchedule {
        var days = CronDays()
        days.dayOfWeekRestricted = true
        days.lastOfWeekdays = 1 << UInt64(weekday.rawValue)
        return CalendarSchedule(at: time, days: days, dayOfWeek: "\(weekday.cronName)L", zone: zone,
                                words: "monthly on the last \(weekday.fullName)")
    }
}

extension Weekday {
    /// "Sunday", "Monday", … "Saturday".
    var fullName: String {
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][rawValue]
    }
}
