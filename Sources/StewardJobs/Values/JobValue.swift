/// The input and output of a run: a JSON value.
///
/// Journal-friendly (it is stored as JSON text, see ``jsonText``) and pipeline-friendly (each
/// pipeline step receives the previous step's value). Unlike the policy types this is a closed
/// `enum`: it mirrors JSON's data model, which does not grow.
///
/// ```swift
/// let input: JobValue = ["path": "/var/log", "days": 7, "dryRun": false]
/// let days = input["days"]?.intValue   // 7
/// ```
public enum JobValue: Sendable, Hashable {
    /// JSON `null`; also "no value".
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A whole number.
    case int(Int)
    /// A number with a fraction (or beyond `Int`'s range).
    case double(Double)
    /// Text, byte-exact.
    case string(String)
    /// An ordered list.
    case array([JobValue])
    /// A string-keyed map (serialised with sorted keys).
    case object([String: JobValue])

    /// Whether this is ``null``.
    public var isNull: Bool { self == .null }

    /// The text of a `string`, else `nil`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number of an `int`, else `nil`.
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number of a `double` or an `int`, else `nil`.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    /// The flag of a `bool`, else `nil`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements of an `array`, else `nil`.
    public var arrayValue: [JobValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members of an `object`, else `nil`.
    public var objectValue: [String: JobValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member `key` of an `object`; `nil` for a missing key or another kind of value.
    public subscript(key: String) -> JobValue? {
        objectValue?[key]
    }

    /// The element at `index` of an `array`; `nil` when out of range or not an array.
    public subscript(index: Int) -> JobValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

extension JobValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    /// `nil` is ``null``.
    public init(nilLiteral: ()) { self = .null }
    /// A `bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An `int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A `double`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A `string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An `array`.
    public init(arrayLiteral elements: JobValue...) { self = .array(elements) }
    /// An `object`; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JobValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
