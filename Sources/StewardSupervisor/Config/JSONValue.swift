/// A parsed JSON5 value, as Foundation's `JSONDecoder` (with `allowsJSON5`) reads it.
///
/// The config is decoded into this neutral tree first and then walked by hand, so that every
/// problem can be reported with its key path instead of stopping at the first `DecodingError`.
indirect enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    /// A number with no fractional part that fits in `Int` (`3`, `1.0`, `0x10`, `1e3`).
    case integer(Int)
    /// Any other number (`1.5`, `1e30`, `Infinity`, `NaN`).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // With the kinds the source scanner saw, one attempt suffices.
        if let tree = decoder.userInfo[JSON5SourceNode.userInfoKey] as? JSON5SourceNode,
           let kind = tree.node(at: decoder.codingPath)?.kind, let value = Self.decode(kind, from: container) {
            self = value
            return
        }
        // Otherwise try each kind in turn. A failed attempt costs a thrown `DecodingError`, so the
        // kinds a config is made of come first; `JSONDecoder` never converts between kinds, so the
        // order does not change the result.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }

    /// Decodes a value expected to be of `kind`; `nil` if it is not.
    private static func decode(_ kind: JSON5ValueKind, from container: any SingleValueDecodingContainer) -> JSONValue? {
        switch kind {
        case .object: (try? container.decode([String: JSONValue].self)).map(JSONValue.object)
        case .array: (try? container.decode([JSONValue].self)).map(JSONValue.array)
        case .string: (try? container.decode(String.self)).map(JSONValue.string)
        case .bool: (try? container.decode(Bool.self)).map(JSONValue.bool)
        case .null: container.decodeNil() ? .null : nil
        case .number:
            if let integer = try? container.decode(Int.self) { .integer(integer) }
            else { (try? container.decode(Double.self)).map(JSONValue.number) }
        }
    }

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

    /// `value` in double quotes, with quotes, backslashes and control characters escaped and very
    /// long texts shortened, so it can be shown inside a message.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars.prefix(80) {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    text += "\\u{\(String(scalar.value, radix: 16))}"
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
