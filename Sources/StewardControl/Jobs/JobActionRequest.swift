import StewardCore
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The bodies of the job actions, read the same way for HTTP (`POST /jobs/NAME/trigger`,
/// `POST /jobs/NAME/reschedule`) and the CLI (`steward trigger`, `steward jobs reschedule`), so
/// bad input gets the same message naming the field (or, in the CLI, the `--option`).
public enum JobActionRequest {
    /// A field that cannot be read: its name and what is wrong.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// The field (`input`, `at`, `in`, `parent`, `schedule`, …).
        public let field: String
        /// What is wrong with it.
        public let reason: String
        /// `field: reason`.
        public var description: String { "\(field): \(reason)" }
        /// Creates a problem.
        public init(_ field: String, _ reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    /// The keys of a trigger body.
    public static let triggerKeys: Set<String> = ["input", "at", "in", "parent"]
    /// The keys of a reschedule body.
    public static let rescheduleKeys: Set<String> = ["schedule", "every", "at", "zone", "start", "end"]

    /// The JSON object of a body (an empty body is `{}`).
    /// - Throws: ``Problem`` for text that is not a JSON object, or a key outside `keys`.
    public static func object(_ text: String, keys: Set<String>) throws(Problem) -> [String: JobValue] {
        guard !text.allSatisfy(\.isWhitespace) else { return [:] }
        let value: JobValue
        do throws(JobValueParseError) {
            value = try JobValue(jsonText: text)
        } catch {
            throw Problem("body", "\(error)")
        }
        guard case .object(let object) = value else { throw Problem("body", "expected a JSON object") }
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw Problem(unknown, "unknown key (expected \(keys.sorted().joined(separator: ", ")))")
        }
        return object
    }

    /// A run request from a trigger body: `input` (any JSON), `at` (an ISO 8601 instant; without
    /// an offset, local time), `in` (a duration from now), `parent` (a run id).
    /// - Throws: ``Problem`` naming the field.
    public static func runRequest(_ object: [String: JobValue], now: Date, requestedBy: String?) throws(Problem) -> RunRequest {
        var request = RunRequest(input: object["input"] ?? .null, requestedBy: requestedBy)
        if object["at"] != nil && object["in"] != nil { throw Problem("at", "give at or in, not both") }
        if let at = object["at"] {
            guard case .string(let text) = at else { throw Problem("at", "expected an ISO 8601 instant as a string") }
            request.at = try instant("at", text, now: now)
        }
        if let delay = object["in"] {
            guard case .string(let text) = delay else { throw Problem("in", "expected a duration such as 10m as a string") }
            request.at = try later("in", text, now: now)
        }
        if let parent = object["parent"] {
            guard case .string(let text) = parent, !text.isEmpty else { throw Problem("parent", "expected a run id as a string") }
            request.parent = RunID(text)
        }
        return request
    }

    /// An instant in the future: ISO 8601 (`2026-12-01T03:00:00Z`; without an offset, local time).
    /// - Throws: ``Problem`` naming `field`, for text that is not an instant or one not after `now`.
    public static func instant(_ field: String, _ text: String, now: Date) throws(Problem) -> Date {
        let instant: Date
        do throws(ScheduleError) {
            instant = try InstantText.parse(text, zone: .current)
        } catch {
            throw Problem(field, "expected an ISO 8601 instant such as 2026-12-01T03:00:00Z, got \"\(text)\"")
        }
        guard instant > now else { throw Problem(field, "\(text) is in the past") }
        return instant
    }

    /// `now` plus a positive duration such as `10m` or `1h30m`.
    /// - Throws: ``Problem`` naming `field`.
    public static func later(_ field: String, _ text: String, now: Date) throws(Problem) -> Date {
        guard let delay = try? Duration(parsing: text), delay > .zero else {
            throw Problem(field, "expected a duration such as 10m, got \"\(text)\"")
        }
        let (seconds, attoseconds) = delay.components
        return now.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// A schedule change from a reschedule body (every value a string).
    /// - Throws: ``Problem`` naming the field.
    public static func scheduleOverride(_ object: [String: JobValue]) throws(Problem) -> ScheduleOverride {
        var strings: [String: String] = [:]
        for (key, value) in object {
            guard case .string(let text) = value else { throw Problem(key, "expected a string") }
            strings[key] = text
        }
        return ScheduleOverride(cron: strings["schedule"], every: strings["every"], at: strings["at"], zone: strings["zone"],
                                start: strings["start"], end: strings["end"])
    }
}
