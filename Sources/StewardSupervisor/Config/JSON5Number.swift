/// JSON5 numbers: which words are numbers, and their values.
///
/// A number is an optional sign, then `Infinity`, `NaN`, hexadecimal (`0x1F`), or a decimal with
/// an optional leading or trailing point and an exponent (`.5`, `5.`, `1e3`); no leading zeros.
/// Its value is a ``JSONValue/integer(_:)`` when it has no fractional part and fits in `Int`
/// (`3`, `1.0`, `0x10`, `1e3`, as Foundation's `JSONDecoder` reads them), else a
/// ``JSONValue/number(_:)``, which is infinite for magnitudes beyond `Double` (`1e400`).
enum JSON5Number {
    /// The value of `word`, or `nil` when it is not a JSON5 number.
    static func value(of word: String) -> JSONValue? {
        guard isNumber(word) else { return nil }
        var body = Substring(word)
        let negative = body.first == "-"
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let sign: Double = negative ? -1 : 1
        if body == "Infinity" { return .number(sign * .infinity) }
        if body == "NaN" { return .number(negative ? -.nan : .nan) }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            var magnitude: UInt64 = 0
            var approximate: Double = 0
            var overflowed = false
            for scalar in body.dropFirst(2).unicodeScalars {
                let digit = UInt64(JSON5Characters.hexValue(scalar) ?? 0)
                approximate = approximate * 16 + Double(digit)
                let (shifted, overflow) = magnitude.multipliedReportingOverflow(by: 16)
                overflowed = overflowed || overflow
                magnitude = shifted &+ digit
            }
            if !overflowed, magnitude <= UInt64(Int.max) {
                return .integer(negative ? -Int(magnitude) : Int(magnitude))
            }
            if !overflowed, negative, magnitude == UInt64(Int.max) + 1 { return .integer(.min) }
            return .number(sign * approximate)
        }
        if !body.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let integer = Int(word) {
            return .integer(integer)
        }
        // Swift's Double(_:) wants digits on both sides of the point.
        var decimal = String(body)
        if decimal.hasPrefix(".") { decimal = "0" + decimal }
        if let point = decimal.firstIndex(of: "."), decimal.index(after: point) == decimal.endIndex
            || decimal[decimal.index(after: point)] == "e" || decimal[decimal.index(after: point)] == "E" {
            decimal.insert("0", at: decimal.index(after: point))
        }
        let number = sign * (Double(decimal) ?? .nan)
        if number.isFinite, number == number.rounded(), let integer = Int(exactly: number) { return .integer(integer) }
        return .number(number)
    }

    /// Whether `word` is a JSON5 number.
    static func isNumber(_ word: String) -> Bool {
        var body = Substring(word)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if body == "Infinity" || body == "NaN" { return true }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            let digits = body.dropFirst(2)
            return !digits.isEmpty && digits.unicodeScalars.allSatisfy { JSON5Characters.hexValue($0) != nil }
        }
        let characters = Array(body.utf8)
        var position = 0
        func digits() -> Int {
            let start = position
            while position < characters.count, characters[position] >= 48, characters[position] <= 57 { position += 1 }
            return position - start
        }
        let integerStart = position
        let integerDigits = digits()
        if integerDigits > 1, characters[integerStart] == 48 { return false }
        var fractionDigits = 0
        if position < characters.count, characters[position] == 46 {
            position += 1
            fractionDigits = digits()
        }
        guard integerDigits + fractionDigits > 0 else { return false }
        if position < characters.count, characters[position] == 101 || characters[position] == 69 {
            position += 1
            if position < characters.count, characters[position] == 43 || characters[position] == 45 { position += 1 }
            guard digits() > 0 else { return false }
        }
        return position == characters.count
    }
}
