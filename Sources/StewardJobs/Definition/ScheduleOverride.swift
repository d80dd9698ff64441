#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A schedule given at runtime (`steward jobs reschedule`, `POST /jobs/NAME/reschedule`), in the
/// spellings of the config file: one of ``cron``, ``every`` or ``at``, with an optional zone and
/// window. Kept in the journal as JSON text (``JobDefinitionState/scheduleOverride``), so it is
/// rebuilt the same way after a restart.
///
/// `every` fires at `start + k·every` (`start` defaults to the instant of the reschedule, stored
/// resolved, so a restart does not shift the fires) and not after `end`; `cron` fires not before
/// `start` and not after `end`. `start` and `end` are refused with `at`.
public struct ScheduleOverride: Sendable, Hashable, Codable {
    /// A cron expression (5, 6 or 7 fields, or a macro such as `@daily`).
    public var cron: String?
    /// An interval such as `"10m"` or `"1h30m"`.
    public var every: String?
    /// One fire at this ISO 8601 instant.
    public var at: String?
    /// The IANA zone of the schedule; `nil` keeps the definition's.
    public var zone: String?
    /// The first fire of `every` (ISO 8601).
    public var start: String?
    /// The last instant a fire of `every` may fall on (ISO 8601).
    public var end: String?

    /// Creates an override; see the type's documentation for what combines.
    public init(cron: String? = nil, every: String? = nil, at: String? = nil, zone: String? = nil,
                start: String? = nil, end: String? = nil) {
        self.cron = cron
        self.every = every
        self.at = at
        self.zone = zone
        self.start = start
        self.end = end
    }

    /// Checks the override and returns the schedule it describes, with `every`'s start resolved
    /// to `now` when not given (the returned override is the one to keep).
    /// - Throws: ``ScheduleError`` naming the setting (`schedule`, `every`, `at`, `zone`,
    ///   `start`, `end`) and what is wrong with it.
    public func resolved(defaultZone: Zone, now: Date) throws(ScheduleError) -> (override: ScheduleOverride, schedule: any Schedule) {
        let given = [cron != nil, every != nil, at != nil].filter { $0 }.count
        guard given == 1 else {
            throw ScheduleError(.conflictingSettings, given == 0 ? "give one of schedule (cron), every or at"
                                : "give only one of schedule (cron), every or at")
        }
        var timeZone = defaultZone
        if let zone {
            do throws(ScheduleError) {
                timeZone = try ScheduleSpec.zone(named: zone)
            } catch {
                throw ScheduleError(.unknownZone, "zone: \(error.message)")
            }
        }
        func instant(_ name: String, _ text: String?) throws(ScheduleError) -> Date? {
            guard let text else { return nil }
            do throws(ScheduleError) {
                return try InstantText.parse(text, zone: timeZone)
            } catch {
                throw ScheduleError(.invalidInstant, "\(name): \(error.message)")
            }
        }
        var kept = self
        if let cron {
            let expression: CronExpression
            do {
                expression = try CronExpression(cron, zone: timeZone)
            } catch {
                throw ScheduleError(.invalidCron, "schedule: invalid cron expression \"\(cron)\": \(error)", cronError: error)
            }
            let (from, until) = (try instant("start", start), try instant("end", end))
            guard from != nil || until != nil else { return (kept, expression) }
            do throws(ScheduleError) {
                return (kept, try WindowedSchedule(expression, start: from, end: until))
            } catch {
                throw ScheduleError(error.kind, "end: " + error.message)
            }
        }
        if let at {
            guard start == nil, end == nil else {
                throw ScheduleError(.conflictingSettings, "\(start != nil ? "start" : "end"): a window is not supported with at (only with every or a cron schedule)")
            }
            guard let fire = try instant("at", at) else { throw ScheduleError(.invalidInstant, "at: missing") }
            return (kept, OneTimeSchedule(at: fire))
        }
        let interval: Duration
        do {
            interval = try Duration(parsing: every ?? "")
        } catch {
            throw ScheduleError(.invalidInterval, "every: expected a duration such as 10m or 1h30m, got \"\(every ?? "")\"")
        }
        let anchor = try instant("start", start) ?? now
        if start == nil { kept.start = InstantText.format(anchor) }
        do throws(ScheduleError) {
            return (kept, try IntervalSchedule(every: interval, anchor: anchor, end: try instant("end", end)))
        } catch {
            throw ScheduleError(error.kind, (error.kind == .invalidInterval ? "every: " : "end: ") + error.message)
        }
    }

    /// The JSON text kept in the journal.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads the JSON text kept in the journal; `nil` if it cannot be read.
    public init?(jsonText: String) {
        guard let value = try? JSONDecoder().decode(ScheduleOverride.self, from: Data(jsonText.utf8)) else { return nil }
        self = value
    }

    /// `schedule "*/5 * * * *" zone Europe/Berlin`, `every 10m from … until …`, `at …`.
    public var summary: String {
        var parts: [String] = []
        if let cron { parts.append("schedule \"\(cron)\"") }
        if let every { parts.append("every \(every)") }
        if let at { parts.append("at \(at)") }
        if let start { parts.append("from \(start)") }
        if let end { parts.append("until \(end)") }
        if let zone { parts.append("zone \(zone)") }
        return parts.joined(separator: " ")
    }
}
