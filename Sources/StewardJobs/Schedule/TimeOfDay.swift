/// A wall-clock time of day, to the second, for the calendar presets.
public struct TimeOfDay: Hashable, Sendable, CustomStringConvertible {
    /// 0–23.
    public let hour: Int
    /// 0–59.
    public let minute: Int
    /// 0–59.
    public let second: Int

    /// Creates a time of day.
    /// - Throws: ``ScheduleError/Kind/invalidValue`` when a component is out of range.
    public init(hour: Int, minute: Int = 0, second: Int = 0) throws(ScheduleError) {
        guard (0...23).contains(hour) else { throw ScheduleError(.invalidValue, "hour \(hour) is out of range 0–23") }
        guard (0...59).contains(minute) else { throw ScheduleError(.invalidValue, "minute \(minute) is out of range 0–59") }
        guard (0...59).contains(second) else { throw ScheduleError(.invalidValue, "second \(second) is out of range 0–59") }
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Parses `HH:MM` or `HH:MM:SS` (24-hour clock; one-digit hours allowed: `9:30`).
    /// - Throws: ``ScheduleError/Kind/invalidValue`` naming the text.
    public init(parsing text: String) throws(ScheduleError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let numbers = parts.map { part in part.allSatisfy { $0.isASCII && $0.isWholeNumber } && (1...2).contains(part.count) ? Int(part) : nil }
        guard (2...3).contains(parts.count), numbers.allSatisfy({ $0 != nil }), parts.dropFirst().allSatisfy({ $0.count == 2 }) else {
            throw ScheduleError(.invalidValue, "invalid time of day \"\(text)\" (use HH:MM or HH:MM:SS, e.g. 03:30)")
        }
        try self.init(hour: numbers[0] ?? 0, minute: numbers[1] ?? 0, second: numbers.count > 2 ? numbers[2] ?? 0 : 0)
    }

    /// `03:30`, or `03:30:15` when the second is not 0.
    public var description: String {
        let text = Self.twoDigits(hour) + ":" + Self.twoDigits(minute)
        return second == 0 ? text : text + ":" + Self.twoDigits(second)
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
