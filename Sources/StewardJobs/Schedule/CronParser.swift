/// Reads cron text into ``CronFields``: 5 fields (minute hour day month weekday; second 0),
/// 6 fields (second first), 7 fields (Quartz: second first, year last), or an `@` macro.
struct CronParser {
    /// The result: the fields, and the seven field texts as written (`"0"` for an implied second,
    /// `"*"` for an absent year) for describing the expression.
    struct Parsed: Sendable {
        var fields: CronFields
        var tokens: [String]
    }

    /// What one field accepts.
    private struct FieldSpec {
        var field: CronField
        var range: ClosedRange<Int>
        /// The values `*` stands for when stepped (`*/n`).
        var star: ClosedRange<Int>
        var names: [String: Int] = [:]
    }

    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    private static let macros: [String: String] = [
        "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
        "@weekly": "0 0 0 * * SUN", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
    ]
    /// The years a year field may name.
    static let yearRange = 1970...2399

    private let text: String
    private let numbering: CronExpression.DayOfWeekNumbering
    /// The field being parsed, for error messages.
    private var current: (field: CronField, number: Int)?

    /// Parses `text`.
    static func parse(_ text: String, numbering: CronExpression.DayOfWeekNumbering) throws(CronSyntaxError) -> Parsed {
        var parser = CronParser(text: text, numbering: numbering, current: nil)
        return try parser.parseExpression()
    }

    private func fail(_ column: Int, _ reason: String) -> CronSyntaxError {
        CronSyntaxError(text: text, field: current?.field, fieldNumber: current?.number, column: column, reason: reason)
    }

    private mutating func parseExpression() throws(CronSyntaxError) -> Parsed {
        // Fields: runs of non-blank characters, each with its 1-based column.
        var tokens: [(text: [Character], column: Int)] = []
        for (index, character) in text.enumerated() {
            if character.isWhitespace { continue }
            if index > 0, let last = tokens.last, last.column + last.text.count == index + 1 {
                tokens[tokens.count - 1].text.append(character.asciiUppercased)
            } else {
                tokens.append(([character.asciiUppercased], index + 1))
            }
        }
        guard let first = tokens.first else { throw fail(1, "the expression is empty") }
        if first.text.first == "@" {
            let name = String(first.text).lowercased()
            guard let replacement = Self.macros[name] else {
                throw fail(first.column, "unknown macro \(String(first.text).lowercased()) (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)")
            }
            guard tokens.count == 1 else { throw fail(tokens[1].column, "a macro stands alone; found more after \(name)") }
            return try Self.parse(replacement, numbering: numbering)
        }
        guard (5...7).contains(tokens.count) else {
            let column = tokens.count > 7 ? tokens[7].column : text.count + 1
            throw fail(column, "expected 5, 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), found \(tokens.count)")
        }
        let kinds: [CronField] = tokens.count == 5
            ? [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
            : Array([.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek, .year].prefix(tokens.count))
        var fields = CronFields()
        var written: [CronField: String] = [.second: "0", .year: "*"]
        for (offset, (kind, token)) in zip(kinds, tokens).enumerated() {
            current = (kind, offset + 1)
            written[kind] = String(token.text)
            try parse(token.text, column: token.column, as: kind, into: &fields)
        }
        current = nil
        let order: [CronField] = [.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek, .year]
        return Parsed(fields: fields, tokens: order.map { written[$0] ?? "*" })
    }

    private func spec(_ field: CronField) -> FieldSpec {
        switch field {
        case .second, .minute: return FieldSpec(field: field, range: 0...59, star: 0...59)
        case .hour: return FieldSpec(field: field, range: 0...23, star: 0...23)
        case .dayOfMonth: return FieldSpec(field: field, range: 1...31, star: 1...31)
        case .month:
            let names = Dictionary(uniqueKeysWithValues: Self.monthNames.enumerated().map { ($1, $0 + 1) })
            return FieldSpec(field: field, range: 1...12, star: 1...12, names: names)
        case .dayOfWeek:
            let names = Dictionary(uniqueKeysWithValues: Self.weekdayNames.enumerated().map { ($1, numbering.number(ofWeekday: $0)) })
            let low = numbering.minimum
            return FieldSpec(field: field, range: low...numbering.maximum, star: low...(low + 6), names: names)
        default: return FieldSpec(field: field, range: Self.yearRange, star: Self.yearRange)
        }
    }

    private func parse(_ token: [Character], column: Int, as field: CronField, into fields: inout CronFields) throws(CronSyntaxError) {
        let unrestricted = token == ["*"] || token == ["?"]
        let spec = spec(field)
        var itemStart = 0
        var bits: UInt64 = 0
        var years: [Int] = []
        for index in 0...token.count where index == token.count || token[index] == "," {
            let item = Array(token[itemStart..<index])
            let itemColumn = column + itemStart
            guard !item.isEmpty else { throw fail(itemColumn, "empty list item") }
            itemStart = index + 1
            if field == .dayOfMonth, try parseDayOfMonthSpecial(item, column: itemColumn, into: &fields.days) { continue }
            if field == .dayOfWeek, try parseDayOfWeekSpecial(item, column: itemColumn, spec: spec, into: &fields.days) { continue }
            for value in try parseRange(item, column: itemColumn, spec: spec) {
                switch field {
                case .year: years.append(value)
                case .dayOfWeek: bits |= 1 << UInt64(numbering.weekday(value))
                default: bits |= 1 << UInt64(value)
                }
            }
        }
        switch field {
        case .second: fields.seconds = bits
        case .minute: fields.minutes = bits
        case .hour: fields.hours = bits
        case .month: fields.months = bits
        case .dayOfMonth:
            fields.days.monthDays |= bits
            fields.days.dayOfMonthRestricted = !unrestricted
        case .dayOfWeek:
            fields.days.weekdays |= bits
            fields.days.dayOfWeekRestricted = !unrestricted
        default: fields.years = unrestricted ? nil : Array(Set(years)).sorted()
        }
    }

    /// `L`, `L-n`, `LW`, `nW`; false when `item` is none of them.
    private func parseDayOfMonthSpecial(_ item: [Character], column: Int, into days: inout CronDays) throws(CronSyntaxError) -> Bool {
        if item == ["L"] { days.daysBeforeLast |= 1; return true }
        if item == ["L", "W"] { days.lastWeekdayOfMonth = true; return true }
        if item.count > 2, item[0] == "L", item[1] == "-" {
            let offset = try parseNumber(item, from: 2, upTo: item.count, column: column, range: 0...30, what: "offset")
            days.daysBeforeLast |= 1 << UInt64(offset)
            return true
        }
        if item.last == "W" {
            guard item.count > 1 else { throw fail(column, "W needs a day before it, e.g. 15W (or LW for the last weekday)") }
            let day = try parseNumber(item, from: 0, upTo: item.count - 1, column: column, range: 1...31, what: "day")
            days.nearestWeekdays |= 1 << UInt64(day)
            return true
        }
        return false
    }

    /// `L` (Saturday), `wL`, `w#k`; false when `item` is none of them.
    private func parseDayOfWeekSpecial(_ item: [Character], column: Int, spec: FieldSpec, into days: inout CronDays) throws(CronSyntaxError) -> Bool {
        if item == ["L"] { days.weekdays |= 1 << 6; return true }
        if let hash = item.firstIndex(of: "#") {
            let (value, end) = try parseValue(item, at: 0, column: column, spec: spec)
            guard end == hash else { throw fail(column + end, "expected # right after the weekday, e.g. MON#2") }
            let occurrence = try parseNumber(item, from: hash + 1, upTo: item.count, column: column, range: 1...99, what: "occurrence")
            days.nthWeekdays.append(.init(weekday: numbering.weekday(value), occurrence: occurrence))
            return true
        }
        if item.count > 1, item.last == "L" {
            let (value, end) = try parseValue(item, at: 0, column: column, spec: spec)
            guard end == item.count - 1 else { throw fail(column + end, "expected L right after the weekday, e.g. 5L or FRIL") }
            days.lastOfWeekdays |= 1 << UInt64(numbering.weekday(value))
            return true
        }
        return false
    }

    /// `*`, `?`, `a`, `a-b`, each optionally `/step`; `a/step` runs to the end of the field.
    private func parseRange(_ item: [Character], column: Int, spec: FieldSpec) throws(CronSyntaxError) -> [Int] {
        var low: Int, high: Int, index: Int
        if item[0] == "*" || item[0] == "?" {
            (low, high, index) = (spec.star.lowerBound, spec.star.upperBound, 1)
        } else {
            (low, index) = try parseValue(item, at: 0, column: column, spec: spec)
            high = low
            if index < item.count, item[index] == "-" {
                let highColumn = column + index + 1
                let highIsSunday = item[(index + 1)...].starts(with: ["S", "U", "N"])
                (high, index) = try parseValue(item, at: index + 1, column: column, spec: spec)
                if spec.field == .dayOfWeek, highIsSunday, high == 0, low > 0 { high = 7 }
                guard low <= high else {
                    throw fail(highColumn, "range \(low)-\(high) runs backwards (list both parts instead, e.g. \(low)-\(spec.range.upperBound),\(spec.range.lowerBound)-\(high))")
                }
            } else if index < item.count, item[index] == "/" {
                high = spec.star.upperBound
            }
        }
        var step = 1
        if index < item.count, item[index] == "/" {
            step = try parseNumber(item, from: index + 1, upTo: item.count, column: column, range: 1...spec.range.count, what: "step")
            index = item.count
        }
        guard index == item.count else { throw fail(column + index, "unexpected \"\(item[index])\"") }
        return Array(stride(from: low, through: high, by: step))
    }

    /// A number or (in the month and day-of-week fields) a three-letter name at `start`; returns
    /// the value and the index after it.
    private func parseValue(_ item: [Character], at start: Int, column: Int, spec: FieldSpec) throws(CronSyntaxError) -> (Int, Int) {
        var end = start
        guard start < item.count else { throw fail(column + start, "expected a number, found the end") }
        if item[start].isASCII, item[start].isLetter {
            while end < item.count, item[end].isASCII, item[end].isLetter { end += 1 }
            let name = String(item[start..<end])
            guard !spec.names.isEmpty else { throw fail(column + start, "unexpected \"\(name)\" (the \(spec.field) field takes numbers)") }
            // A weekday name may be followed directly by L (FRIL).
            if spec.field == .dayOfWeek, name.count == 4, name.hasSuffix("L"), let value = spec.names[String(name.prefix(3))] {
                return (value, end - 1)
            }
            guard let value = spec.names[name] else {
                let examples = spec.field == .month ? "JAN–DEC" : "SUN–SAT"
                throw fail(column + start, "unknown name \"\(name)\" (use \(examples))")
            }
            return (value, end)
        }
        return (try parseNumber(item, from: start, column: column, range: spec.range, what: "value"), endOfDigits(item, from: start))
    }

    private func endOfDigits(_ item: [Character], from start: Int) -> Int {
        var end = start
        while end < item.count, item[end].isASCII, item[end].isWholeNumber { end += 1 }
        return end
    }

    /// The decimal number starting at `start`, which must lie in `range` and, when `end` is given,
    /// fill `item[start..<end]` exactly (otherwise the caller checks what follows the digits).
    private func parseNumber(_ item: [Character], from start: Int, upTo end: Int? = nil, column: Int, range: ClosedRange<Int>, what: String) throws(CronSyntaxError) -> Int {
        let digitsEnd = endOfDigits(item, from: start)
        guard digitsEnd > start else {
            let found = start < item.count ? "\"\(item[start])\"" : "the end"
            throw fail(column + start, "expected a number\(what == "value" ? "" : " (\(what))"), found \(found)")
        }
        if let end, digitsEnd != end { throw fail(column + digitsEnd, "unexpected \"\(item[digitsEnd])\"") }
        let digits = String(item[start..<digitsEnd])
        guard digits.count <= 9, let value = Int(digits), range.contains(value) else {
            let subject = what == "value" ? digits : "\(what) \(digits)"
            throw fail(column + start, "\(subject) is out of range \(range.lowerBound)–\(range.upperBound)")
        }
        return value
    }
}

extension Character {
    /// The character with a–z mapped to A–Z and everything else unchanged (column-preserving).
    var asciiUppercased: Character {
        guard isASCII, isLowercase, let scalar = unicodeScalars.first else { return self }
        return Character(Unicode.Scalar(UInt8(scalar.value - 32)))
    }
}
