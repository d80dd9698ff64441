import StewardCore
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
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
    /// `zone` is an IANA name (`"Europe/Berlin"`); `nil` means `defaultZone`.
    /// - Throws: ``ScheduleError`` naming the offending value: an unknown zone, a cron syntax
    ///   error (with field and column), a bad duration or instant, or `cron` combined with
    ///   `every` or `at`.
    public static func parse(cron: String?, every: String?, at: String?, zone: String?, defaultZone: TimeZone,
                             anchor: Date, options: CronExpression.Options = .init()) throws(ScheduleError) -> (any Schedule)? {
        let timeZone = try zone.map { name throws(ScheduleError) in try self.zone(named: name) } ?? defaultZone
        if let cron {
            guard every == nil, at == nil else {
                throw ScheduleError(.conflictingSettings, "a cron schedule cannot be combined with \(every != nil ? "every" : "at") (use one of schedule, every or at; every may take at as its start)")
            }
            do {
                return try CronExpression(cron, zone: timeZone, options: options)
            } catch {
                throw ScheduleError(.invalidCron, "invalid cron expression \"\(cron)\": \(error)", cronError: error)
            }
        }
        let start = try at.map { text throws(ScheduleError) in try InstantText.parse(text, zone: timeZone) }
        if let every {
            let interval: Duration
            do {
                interval = try Duration(parsing: every)
            } catch {
                throw ScheduleError(.invalidInterval, "invalid interval: \(error)")
            }
            return try IntervalSchedule(every: interval, anchor: start ?? anchor)
        }
        return start.map { OneTimeSchedule(at: $0) }
    }

    /// The zone with IANA name `name` (`"America/New_York"`, `"UTC"`).
    /// - Throws: ``ScheduleError/Kind/unknownZone`` naming it.
    public static func zone(named name: String) throws(ScheduleError) -> TimeZone {
        guard !name.isEmpty, let zone = TimeZone(identifier: name) else {
            throw ScheduleError(.unknownZone, "unknown time zone \"\(name)\" (use an IANA name such as Europe/Berlin or UTC)")
        }
        return zone
    }
}
