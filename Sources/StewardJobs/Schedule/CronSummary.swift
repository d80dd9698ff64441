extension CronExpression {
    /// The expression in plain words, from its field texts: `at 02:30, every day`,
    /// `every 30 minutes, on MON-FRI`, `at 12:00, on day L of the month, in FEB`.
    public var summary: String {
        let second = tokens[0], minute = tokens[1], hour = tokens[2]
        var parts: [String] = []
        let two = TimeOfDay.twoDigits
        if isFixedTime, let h = Int(hour), let m = Int(minute), let s = Int(second) {
            parts.append("at \(two(h)):\(two(m))" + (s == 0 ? "" : ":\(two(s))"))
        } else if let m = Int(minute), let s = Int(second) {
            let past = ":\(two(m))" + (s == 0 ? "" : ":\(two(s))")
            parts.append("at \(past) " + Self.phrase(hour, unit: "hour", star: "every hour", single: "during hour", plural: "during hours"))
        } else {
            let seconds = Self.phrase(second, unit: "second", star: "every second", single: "at second", plural: "at seconds")
            if second != "0" { parts.append(seconds) }
            // "every minute" adds nothing to "every 30 seconds"; it does to "at second 30".
            if minute != "*" || Int(second) != nil {
                parts.append(Self.phrase(minute, unit: "minute", star: "every minute", single: "at minute", plural: "at minutes"))
            }
            if hour != "*" && hour != "?" {
                parts.append(Self.phrase(hour, unit: "hour", star: "every hour", single: "during hour", plural: "during hours"))
            }
        }
        let dayOfMonth = tokens[3], month = tokens[4], dayOfWeek = tokens[5], year = tokens[6]
        let anyDayOfMonth = dayOfMonth == "*" || dayOfMonth == "?"
        let anyDayOfWeek = dayOfWeek == "*" || dayOfWeek == "?"
        switch (anyDayOfMonth, anyDayOfWeek) {
        case (true, true): parts.append("every day")
        case (false, true): parts.append("on day \(dayOfMonth) of the month")
        case (true, false): parts.append("on \(dayOfWeek)")
        case (false, false): parts.append("on day \(dayOfMonth) of the month or on \(dayOfWeek)")
        }
        if month != "*" && month != "?" { parts.append("in \(month)") }
        if year != "*" && year != "?" { parts.append("in \(year)") }
        return parts.joined(separator: ", ")
    }

    /// `*` → `star`; `*/n` → `every n units`; a number → `single n`; anything else → `plural text`.
    private static func phrase(_ token: String, unit: String, star: String, single: String, plural: String) -> String {
        if token == "*" || token == "?" { return star }
        if token.hasPrefix("*/") || token.hasPrefix("?/") { return "every \(token.dropFirst(2)) \(unit)s" }
        if Int(token) != nil { return "\(single) \(token)" }
        return "\(plural) \(token)"
    }
}
