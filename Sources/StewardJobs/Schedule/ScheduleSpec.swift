import StewardCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The schedule spellings of the config file, turned into a ``Schedule``: the one entry point the
/// config loader uses for a job's `schedule` (cron), `every`, `at` and `zone` keys.
public enum ScheduleSpec {
    /// Builds the schedule a job's settings describe:
    /// - `cron` alone: a ``CronExpression`` in the zone;
    /// - `every` (a duration: `"30s"`, `"5m"`, `"1h30m"`): an ``IntervalSchedule`` anchored at
    ///   `at` when given, else at `anchor` (typically when the job was loaded);
    /// - `at` alone (ISO 8601: `"2026-12-01T03:00:00Z"`, `"…+01:00"`, or a wall-clock time in the
    ///   zone without an offset): a ``OneTimeSchedule``;
    /// - none of them: `nil` — the job runs only when triggered.
    ///
    /// `start` and `end` (instants, as `at`) bound a recurring schedule: a cron expression's
    /// fires before `start` or after `end` do not happen (a ``WindowedSchedule``); for `every`,
    /// `start` is the anchor (as `at` is) and `end` the interval's end.
    ///
    /// `zone` is an IANA name (`"Europe/Berlin"`); `nil` means `defaultZone`.
    /// - Throws: ``ScheduleError`` naming the offending value: an unknown zone, a cron syntax
    ///   error (with field and column), a bad duration or instant, `cron` combined with
    ///   `every` or `at`, `start`/`end` without `cron` or `every`, or an `end` before the start.
    public static func parse(cron: String?, every: String?, at: String?, zone: String?, defaultZone: Zone,
                             anchor: Date, start: String? = nil, end: String? = nil,
                             options: CronExpression.Options = .init()) throws(ScheduleError) -> (any Schedule)? {
        let timeZone = try zone.map { name throws(ScheduleError) in try self.zone(named: name) } ?? defaultZone
        func instant(_ text: String?, _ setting: String) throws(ScheduleError) -> Date? {
            guard let text else { return nil }
            do {
                return try InstantText.parse(text, zone: timeZone)
            } catch {
                throw ScheduleError(error.kind, "\(setting): \(error.message)", setting: setting)
            }
        }
        let (windowStart, windowEnd) = (try instant(start, "start"), try instant(end, "end"))
        if let cron {
            guard every == nil, at == nil else {
                throw ScheduleError(.conflictingSettings, "a cron schedule cannot be combined with \(every != nil ? "every" : "at") (use one of schedule, every or at; every may take at as its start)")
            }
            let expression: CronExpression
            do {
                expression = try CronExpression(cron, zone: timeZone, options: options)
            } catch {
                throw ScheduleError(.invalidCron, "invalid cron expression \"\(cron)\": \(error)", cronError: error)
            }
            guard windowStart != nil || windowEnd != nil else { return expression }
            return try WindowedSchedule(expression, start: windowStart, end: windowEnd)
        }
        if every == nil, start != nil || end != nil {
            throw ScheduleError(.conflictingSettings, "\(start != nil ? "start" : "end") bounds a recurring schedule: it needs schedule (cron) or every",
                                setting: start != nil ? "start" : "end")
        }
        if at != nil, start != nil {
            throw ScheduleError(.conflictingSettings, "start and at both give every its first fire: use one of them", setting: "start")
        }
        let first = try at.map { text throws(ScheduleError) in try InstantText.parse(text, zone: timeZone) } ?? windowStart
        if let every {
            let interval: Duration
            do {
                interval = try Duration(parsing: every)
            } catch {
                throw ScheduleError(.invalidInterval, "invalid interval: \(error)")
            }
            guard let first else {
                // Anchored when loaded: an end already past leaves a schedule without fires.
                let schedule = try IntervalSchedule(every: interval, anchor: anchor)
                return try windowEnd.map { end throws(ScheduleError) in try WindowedSchedule(schedule, start: nil, end: end) } ?? schedule
            }
            if let windowEnd, windowEnd < first {
                throw ScheduleError(.invalidValue, "end \(InstantText.format(windowEnd)) is before the start \(InstantText.format(first))",
                                    setting: "end")
            }
            return try IntervalSchedule(every: interval, anchor: first, end: windowEnd)
        }
        return first.map { OneTimeSchedule(at: $0) }
    }

    /// The zone with IANA name `name` (`"America/New_York"`, `"UTC"`) from ``ZoneDatabase/system``.
    /// - Throws: ``ScheduleError/Kind/unknownZone`` naming it (with the reason when the name is
    ///   invalid or its zone file is bad).
    public static func zone(named name: String) throws(ScheduleError) -> Zone {
        do {
            return try Zone(identifier: name)
        } catch {
            throw ScheduleError(.unknownZone, error.kind == .unknownZone ? "unknown time zone \"\(name)\" (use an IANA name such as Europe/Berlin or UTC)" : error.message)
        }
    }
}
