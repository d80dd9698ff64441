import StewardCore

/// A parsed JSON5 value, as `JSON5Scanner` reads it.
///
/// The config is parsed into this neutral tree first and then walked by hand, so that every
/// problem can be reported with its key path instead of stopping at the first one.
indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number with no fractional part that fits in `Int` (`3`, `1.0`, `0x10`, `1e3`).
    case integer(Int)
    /// Any other number (`1.5`, `1e30`, `Infinity`, `NaN`).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// What this value is, with an article, for "expected …, found …" messages:
    /// `a string ("abc")`, `a number (10)`, `a boolean (true)`, `an array`, `an object`, `null`.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool(let value): "a boolean (\(value))"
        case .integer(let value): "a number (\(value))"
        case .number(let value): "a number (\(Self.render(value)))"
        case .string(let value): "a string (\(Self.quoted(value)))"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// `value` in double quotes, with quotes and backslashes escaped, control characters written
    /// as ``ControlCharacterEscaping`` writes them, and very long texts shortened, so it can be
    /// shown inside a message.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars.prefix(80) {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            default:
                if ControlCharacterEscaping.isControl(scalar) {
                    text += ControlCharacterEscaping.escape(scalar)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        if value.unicodeScalars.count > 80 { text += "…" }
        return text + "\""
    }

    /// A number without a useless `.0`.
    static func render(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return "\(number)"
    }
}
