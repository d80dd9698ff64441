/// A duration text could not be parsed; `position` is the 0-based character offset of the problem.
public struct DurationSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was parsed.
    public var text: String
    /// 0-based character offset where parsing failed.
    public var position: Int
    /// What was expected at `position`.
    public var reason: String

    /// Creates an error for `text` at `position`.
    public init(text: String, position: Int, reason: String) {
        self.text = text
        self.position = position
        self.reason = reason
    }

    public var description: String {
        "invalid duration \"\(text)\" at position \(position): \(reason)"
    }
}

extension Duration {
    /// Parses the duration syntax used throughout Steward's configuration: one or more
    /// `<number><unit>` terms, units `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`, `d`; decimals allowed
    /// (`"1.5s"`), terms may be combined (`"1h30m"`). `"0"` alone means zero. Whitespace around the
    /// text is ignored; negative durations are rejected.
    public init(parsing text: String) throws(DurationSyntaxError) {
        let characters = Array(text.trimmingWhitespace())
        func fail(_ position: Int, _ reason: String) -> DurationSyntaxError {
            DurationSyntaxError(text: text, position: position, reason: reason)
        }
        if characters.isEmpty { throw fail(0, "expected a number followed by a unit (e.g. \"250ms\")") }
        if characters == ["0"] { self = .zero; return }

        var total = Duration.zero
        var index = 0
        while index < characters.count {
            let numberStart = index
            var sawDigit = false
            var sawPoint = false
            while index < characters.count, characters[index].isASCII,
                  characters[index].isNumber || (characters[index] == "." && !sawPoint) {
                if characters[index] == "." { sawPoint = true } else { sawDigit = true }
                index += 1
            }
            guard sawDigit else {
                throw fail(numberStart, characters[numberStart] == "-" ? "negative durations are not allowed" : "expected a number")
            }
            let number = String(characters[numberStart..<index])
            let unitStart = index
            while index < characters.count, characters[index].isLetter || characters[index] == "µ" { index += 1 }
            let unit = String(characters[unitStart..<index])
            guard !unit.isEmpty else { throw fail(unitStart, "expected a unit (ns, us, ms, s, m, h, d) after \(number)") }
            guard let nanosecondsPerUnit = Self.nanosecondsPerUnit[unit] else {
                throw fail(unitStart, "unknown unit \"\(unit)\" (use ns, us, ms, s, m, h or d)")
            }
            guard let term = Self.term(number, nanosecondsPerUnit) else {
                throw fail(numberStart, "\(number)\(unit) is too large")
            }
            total += term
        }
        self = total
    }

    private static let nanosecondsPerUnit: [String: Int64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000, "d": 86_400_000_000_000,
    ]

    private static func term(_ number: String, _ unitNanoseconds: Int64) -> Duration? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0].isEmpty ? "0" : parts[0]) else { return nil }
        let (wholeNanoseconds, overflow) = whole.multipliedReportingOverflow(by: unitNanoseconds)
        guard !overflow else { return nil }
        var fractionNanoseconds: Int64 = 0
        if parts.count == 2, !parts[1].isEmpty {
            // Keep at most 18 fractional digits so the integer fits; more precision is meaningless.
            let digits = String(parts[1].prefix(18))
            let fraction = Int64(digits) ?? 0
            var scale: Int64 = 1
            for _ in 0..<digits.count { scale *= 10 }
            fractionNanoseconds = Int64((Double(fraction) / Double(scale) * Double(unitNanoseconds)).rounded())
        }
        return .nanoseconds(wholeNanoseconds) + .nanoseconds(fractionNanoseconds)
    }

    /// The shortest exact rendering in the syntax `init(parsing:)` accepts, largest units first:
    /// `"250ms"`, `"5s"`, `"1m30s"`, `"1.5s"` for 1500 ms, `"0s"` for zero. Negative values get `"-"`.
    public var compactDescription: String {
        let (seconds, attoseconds) = components
        var nanoseconds = Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
        if nanoseconds == 0 { return "0s" }
        var sign = ""
        if nanoseconds < 0 { sign = "-"; nanoseconds = -nanoseconds }
        let hour: Int128 = 3_600_000_000_000, minute: Int128 = 60_000_000_000, second: Int128 = 1_000_000_000
        var text = sign
        let hours = nanoseconds / hour
        if hours > 0 { text += "\(hours)h"; nanoseconds %= hour }
        let minutes = nanoseconds / minute
        if minutes > 0 { text += "\(minutes)m"; nanoseconds %= minute }
        if nanoseconds == 0 { return text }
        if nanoseconds % second == 0 || nanoseconds >= second || text.count > sign.count {
            text += Self.decimal(nanoseconds, unit: second) + "s"
        } else if nanoseconds % 1_000_000 == 0 || nanoseconds >= 1_000_000 {
            text += Self.decimal(nanoseconds, unit: 1_000_000) + "ms"
        } else if nanoseconds % 1_000 == 0 || nanoseconds >= 1_000 {
            text += Self.decimal(nanoseconds, unit: 1_000) + "us"
        } else {
            text += "\(nanoseconds)ns"
        }
        return text
    }

    private static func decimal(_ value: Int128, unit: Int128) -> String {
        let whole = value / unit
        var fraction = value % unit
        guard fraction != 0 else { return "\(whole)" }
        var width = String(unit).count - 1
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: width - digits.count) + digits
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }
}
