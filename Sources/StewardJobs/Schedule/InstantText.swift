#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ISO 8601 date-time text for instants: `2026-12-01T03:00:00Z`, `2026-12-01T04:00:00+01:00`.
public enum InstantText {
    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, an offset (`+01:00`, `+0100`,
    /// `+01`), or nothing. A space may replace the `T`. Without an offset the text is a wall-clock
    /// time in `zone`; one that a daylight-saving gap skips means the first instant after the gap,
    /// one that occurs twice means the first occurrence.
    /// - Throws: ``ScheduleError/Kind/invalidInstant`` naming the text and the 0-based position.
    public static func parse(_ text: String, zone: Zone) throws(ScheduleError) -> Date {
        var scanner = Scanner(text: text)
        return try scanner.instant(zone: zone)
    }

    /// `instant` in `zone` as `2026-03-08T03:00:00-04:00` (milliseconds shown when not zero;
    /// always a numeric offset, even for UTC).
    public static func format(_ instant: Date, zone: Zone) -> String {
        let milliseconds = Int((instant.timeIntervalSince1970 * 1_000).rounded(.down))
        let seconds = CivilTime.floorDivide(milliseconds, 1_000)
        let offset = zone.offset(at: seconds)
        return dateTime(localSeconds: seconds + offset, milliseconds: milliseconds - seconds * 1_000) + offsetText(offset)
    }

    /// `instant` in UTC as `2026-12-01T03:00:00Z`.
    public static func format(_ instant: Date) -> String {
        let milliseconds = Int((instant.timeIntervalSince1970 * 1_000).rounded(.down))
        let seconds = CivilTime.floorDivide(milliseconds, 1_000)
        return dateTime(localSeconds: seconds, milliseconds: milliseconds - seconds * 1_000) + "Z"
    }

    private static func dateTime(localSeconds: Int, milliseconds: Int) -> String {
        let time = CivilTime(localSeconds: localSeconds)
        let year = time.year >= 0 && time.year < 10_000
            ? String(String(time.year + 10_000).dropFirst()) : String(time.year)
        let two = TimeOfDay.twoDigits
        var text = "\(year)-\(two(time.month))-\(two(time.day))T\(two(time.hour)):\(two(time.minute)):\(two(time.second))"
        if milliseconds != 0 { text += "." + String(String(milliseconds + 1_000).dropFirst()) }
        return text
    }

    private static func offsetText(_ offset: Int) -> String {
        let magnitude = abs(offset)
        let two = TimeOfDay.twoDigits
        var text = (offset < 0 ? "-" : "+") + two(magnitude / 3_600) + ":" + two(magnitude % 3_600 / 60)
        if magnitude % 60 != 0 { text += ":" + two(magnitude % 60) }
        return text
    }

    /// A cursor over the text with positioned errors.
    private struct Scanner {
        let text: String
        let characters: [Character]
        var index = 0

        init(text: String) {
            self.text = text
            self.characters = Array(text)
        }

        func fail(_ reason: String, at position: Int? = nil) -> ScheduleError {
            ScheduleError(.invalidInstant, "invalid instant \"\(text)\" at position \(position ?? index): \(reason) (use ISO 8601, e.g. 2026-12-01T03:00:00Z or 2026-12-01T04:00:00+01:00)")
        }

        mutating func number(digits count: Int, _ what: String, in range: ClosedRange<Int>) throws(ScheduleError) -> Int {
            let start = index
            var value = 0
            for _ in 0..<count {
                guard index < characters.count, characters[index].isASCII, let digit = characters[index].wholeNumberValue else {
                    throw fail("expected \(count) digits (\(what))", at: start)
                }
                value = value * 10 + digit
                index += 1
            }
            guard range.contains(value) else { throw fail("\(what) \(value) is out of range \(range.lowerBound)–\(range.upperBound)", at: start) }
            return value
        }

        mutating func expect(_ separators: Set<Character>, _ what: String) throws(ScheduleError) {
            guard index < characters.count, separators.contains(characters[index]) else { throw fail("expected \(what)") }
            index += 1
        }

        func peek(_ character: Character) -> Bool {
            index < characters.count && characters[index] == character
        }

        mutating func instant(zone: Zone) throws(ScheduleError) -> Date {
            let year = try number(digits: 4, "year", in: 0...9_999)
            try expect(["-"], "\"-\" after the year")
            let month = try number(digits: 2, "month", in: 1...12)
            try expect(["-"], "\"-\" after the month")
            let dayStart = index
            let day = try number(digits: 2, "day", in: 1...31)
            guard day <= CivilTime.daysInMonth(year: year, month: month) else {
                throw fail("day \(day) does not exist in \(year)-\(TimeOfDay.twoDigits(month))", at: dayStart)
            }
            try expect(["T", "t", " "], "\"T\" between the date and the time")
            let hour = try number(digits: 2, "hour", in: 0...23)
            try expect([":"], "\":\" after the hour")
            let minute = try number(digits: 2, "minute", in: 0...59)
            var second = 0
            var fraction = 0.0
            if peek(":") {
                index += 1
                second = try number(digits: 2, "second", in: 0...59)
                if peek(".") || peek(",") {
                    index += 1
                    var scale = 0.1
                    let start = index
                    while index < characters.count, characters[index].isASCII, let digit = characters[index].wholeNumberValue {
                        fraction += Double(digit) * scale
                        scale /= 10
                        index += 1
                    }
                    guard index > start else { throw fail("expected digits after the decimal point") }
                }
            }
            let local = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).localSeconds
            let instant: Int
            if index == characters.count {
                instant = ZoneTimeline(zone: zone).firstInstant(atLocal: local)
            } else if peek("Z") || peek("z") {
                index += 1
                instant = local
            } else if peek("+") || peek("-") {
                let negative = peek("-")
                index += 1
                let hours = try number(digits: 2, "offset hours", in: 0...23)
                var minutes = 0
                if peek(":") {
                    index += 1
                    minutes = try number(digits: 2, "offset minutes", in: 0...59)
                } else if index < characters.count {
                    minutes = try number(digits: 2, "offset minutes", in: 0...59)
                }
                instant = local - (negative ? -1 : 1) * (hours * 3_600 + minutes * 60)
            } else {
                throw fail("expected Z, an offset such as +01:00, or the end")
            }
            guard index == characters.count else { throw fail("unexpected \"\(characters[index])\"") }
            return Date(timeIntervalSince1970: Double(instant) + fraction)
        }
    }
}
