/// A POSIX `TZ` rule such as `EST5EDT,M3.2.0,M11.1.0` or `<+1030>-10:30<+11>-11,M10.1.0,M4.1.0`: a
/// standard offset and, optionally, a daylight-saving offset with the dates it starts and ends.
///
/// This is the footer of a TZif file (RFC 8536 section 3.3), which governs instants after the
/// file's last transition, and one of the forms `TZ` may take. The RFC's extensions are
/// accepted: transition times from −167 to 167 hours, and daylight saving all year
/// (`EST5EDT4,0/0,J365/25`). A zone name with daylight saving but no dates uses the US rules
/// (`M3.2.0,M11.1.0`), as glibc and tzcode do. Offsets are seconds east of UTC (POSIX writes
/// them west: `EST5` is UTC−5).
struct PosixZoneRule: Hashable, Sendable {
    /// A day of the year a change happens, and the local time of day it happens at.
    struct ChangeDate: Hashable, Sendable {
        enum Day: Hashable, Sendable {
            /// `Jn`: day 1…365, February 29 never counted.
            case julian(Int)
            /// `n`: day 0…365, February 29 counted in leap years.
            case zeroBased(Int)
            /// `Mm.w.d`: weekday d (0 = Sunday) of week w (5 = the last) of month m.
            case monthWeekDay(month: Int, week: Int, weekday: Int)
        }

        var day: Day
        /// Seconds after local midnight (−167 h … 167 h).
        var time: Int

        /// Days after January 1 of `year` the change falls on.
        func dayOfYear(in year: Int) -> Int {
            switch day {
            case .julian(let n):
                return n - 1 + (CivilTime.isLeapYear(year) && n >= 60 ? 1 : 0)
            case .zeroBased(let n):
                return n
            case .monthWeekDay(let month, let week, let weekday):
                let first = CivilTime.dayNumber(year: year, month: month, day: 1)
                var day = 1 + (weekday - CivilTime.weekday(dayNumber: first) + 7) % 7 + (week - 1) * 7
                while day > CivilTime.daysInMonth(year: year, month: month) { day -= 7 }
                return first + day - 1 - CivilTime.dayNumber(year: year, month: 1, day: 1)
            }
        }
    }

    /// Daylight saving: its offset and when it starts (in standard time) and ends (in daylight time).
    struct Daylight: Hashable, Sendable {
        var offset: Int
        var start: ChangeDate
        var end: ChangeDate
    }

    /// Why a rule string does not parse.
    struct SyntaxError: Error, Hashable, Sendable {
        let message: String
    }

    /// The rule as written.
    let text: String
    /// Standard time's offset, seconds east of UTC.
    let standardOffset: Int
    /// Daylight saving, if the zone observes it.
    let daylight: Daylight?

    /// Parses `text`.
    /// - Throws: ``SyntaxError`` naming the position and what was expected.
    init(_ text: String) throws(SyntaxError) {
        var scanner = RuleScanner(bytes: Array(text.utf8))
        self.text = text
        try scanner.name()
        standardOffset = -(try scanner.duration(maxHours: 24, "the standard offset"))
        guard !scanner.atEnd else {
            daylight = nil
            return
        }
        try scanner.name()
        var dstOffset = standardOffset + 3_600
        if !scanner.atEnd, !scanner.peek(","), !scanner.peek(";") {
            dstOffset = -(try scanner.duration(maxHours: 24, "the daylight-saving offset"))
        }
        let start: ChangeDate, end: ChangeDate
        if scanner.atEnd {
            start = ChangeDate(day: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7_200)
            end = ChangeDate(day: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7_200)
        } else {
            try scanner.expect(",", "\",\" before the start date")
            start = try scanner.changeDate("the start date")
            try scanner.expect(",", "\",\" before the end date")
            end = try scanner.changeDate("the end date")
        }
        guard scanner.atEnd else { throw scanner.fail("unexpected text after the end date") }
        daylight = Daylight(offset: dstOffset, start: start, end: end)
    }

    /// The offset in effect at `instant`.
    func offset(at instant: Int) -> Int {
        guard let daylight else { return standardOffset }
        let base = baseYear(of: instant)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 6) { changes in
            fill(changes, from: base, daylight)
            return Self.isDaylight(at: instant, changes) ? daylight.offset : standardOffset
        }
    }

    /// The first instant after `instant` at which the offset changes, or `nil` when it never does.
    func nextTransition(after instant: Int) -> Int? {
        guard let daylight, daylight.offset != standardOffset else { return nil }
        let base = baseYear(of: instant)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 10) { changes in
            fill(changes, from: base, daylight)
            // The last year's changes only complete the groups of simultaneous changes before them.
            let limit = min(changes[8], changes[9])
            let current = Self.isDaylight(at: instant, changes)
            var cursor = instant
            while true {
                var next = Int.max
                for change in changes where change > cursor && change < next { next = change }
                guard next < limit else { return nil }
                if Self.isDaylight(at: next, changes) != current { return next }
                cursor = next
            }
        }
    }

    /// The year before the one `instant` falls in (standard time): the first year of changes.
    private func baseYear(of instant: Int) -> Int {
        CivilTime(localSeconds: instant + standardOffset).year - 1
    }

    /// The changes of consecutive years from `year` on: daylight saving starts at even indices,
    /// ends at odd ones.
    private func fill(_ changes: UnsafeMutableBufferPointer<Int>, from year: Int, _ daylight: Daylight) {
        for index in 0..<changes.count {
            let year = year + index / 2
            let january1 = CivilTime.dayNumber(year: year, month: 1, day: 1) * 86_400
            changes[index] = index % 2 == 0
                ? january1 + daylight.start.dayOfYear(in: year) * 86_400 + daylight.start.time - standardOffset
                : january1 + daylight.end.dayOfYear(in: year) * 86_400 + daylight.end.time - daylight.offset
        }
    }

    /// Whether daylight saving is in effect at `instant`: the latest change at or before it
    /// decides, and of simultaneous changes the later in the rule's order (so a year whose end
    /// meets the next year's start stays in daylight saving).
    private static func isDaylight(at instant: Int, _ changes: UnsafeMutableBufferPointer<Int>) -> Bool {
        var latest = Int.min, latestIndex = -1
        for index in 0..<changes.count where changes[index] <= instant && changes[index] >= latest {
            (latest, latestIndex) = (changes[index], index)
        }
        return latestIndex >= 0 && latestIndex % 2 == 0
    }
}

/// A cursor over a rule string's bytes.
private struct RuleScanner {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    func peek(_ character: Unicode.Scalar) -> Bool {
        index < bytes.count && bytes[index] == UInt8(ascii: character)
    }

    func fail(_ reason: String) -> PosixZoneRule.SyntaxError {
        PosixZoneRule.SyntaxError(message: "\(reason) at position \(index)")
    }

    mutating func expect(_ character: Unicode.Scalar, _ what: String) throws(PosixZoneRule.SyntaxError) {
        guard peek(character) else { throw fail("expected \(what)") }
        index += 1
    }

    /// A zone abbreviation: three or more letters, or `<…>` of letters, digits, `+` and `-`.
    mutating func name() throws(PosixZoneRule.SyntaxError) {
        let start = index
        if peek("<") {
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
                let byte = bytes[index]
                guard isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else {
                    throw fail("unexpected character in a quoted zone abbreviation")
                }
                index += 1
            }
            guard index - start - 1 >= 3 else { throw fail("a zone abbreviation needs at least 3 characters") }
            try expect(">", "\">\" closing the zone abbreviation")
        } else {
            while index < bytes.count, isLetter(bytes[index]) { index += 1 }
            guard index - start >= 3 else {
                index = start
                throw fail("expected a zone abbreviation of at least 3 letters")
            }
        }
    }

    /// `[+-]h[h][:mm[:ss]]` as seconds.
    mutating func duration(maxHours: Int, _ what: String) throws(PosixZoneRule.SyntaxError) -> Int {
        var sign = 1
        if peek("+") { index += 1 } else if peek("-") { sign = -1; index += 1 }
        let hours = try number(maxDigits: 3, what)
        guard hours <= maxHours else { throw fail("hours \(hours) out of range in \(what)") }
        var seconds = hours * 3_600
        for (scale, part) in [(60, "minutes"), (1, "seconds")] {
            guard peek(":") else { break }
            index += 1
            let value = try number(maxDigits: 2, "\(part) of \(what)")
            guard value <= 59 else { throw fail("\(part) \(value) out of range in \(what)") }
            seconds += value * scale
        }
        return sign * seconds
    }

    /// `Jn`, `n` or `Mm.w.d`, then an optional `/time`.
    mutating func changeDate(_ what: String) throws(PosixZoneRule.SyntaxError) -> PosixZoneRule.ChangeDate {
        let day: PosixZoneRule.ChangeDate.Day
        if peek("J") {
            index += 1
            let n = try number(maxDigits: 3, what)
            guard (1...365).contains(n) else { throw fail("day J\(n) out of range 1–365 in \(what)") }
            day = .julian(n)
        } else if peek("M") {
            index += 1
            let month = try number(maxDigits: 2, "the month of \(what)")
            try expect(".", "\".\" after the month")
            let week = try number(maxDigits: 1, "the week of \(what)")
            try expect(".", "\".\" after the week")
            let weekday = try number(maxDigits: 1, "the weekday of \(what)")
            guard (1...12).contains(month), (1...5).contains(week), (0...6).contains(weekday) else {
                throw fail("M\(month).\(week).\(weekday) out of range (month 1–12, week 1–5, weekday 0–6) in \(what)")
            }
            day = .monthWeekDay(month: month, week: week, weekday: weekday)
        } else {
            let n = try number(maxDigits: 3, what)
            guard n <= 365 else { throw fail("day \(n) out of range 0–365 in \(what)") }
            day = .zeroBased(n)
        }
        var time = 7_200
        if peek("/") {
            index += 1
            time = try duration(maxHours: 167, "the time of \(what)")
        }
        return PosixZoneRule.ChangeDate(day: day, time: time)
    }

    mutating func number(maxDigits: Int, _ what: String) throws(PosixZoneRule.SyntaxError) -> Int {
        let start = index
        var value = 0
        while index < bytes.count, index - start < maxDigits, isDigit(bytes[index]) {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > start else { throw fail("expected a number (\(what))") }
        return value
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
