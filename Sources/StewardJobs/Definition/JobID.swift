/// The unique identifier of a job definition (`"backup"`, `"reports.daily"`).
public struct JobID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier's text.
    public let rawValue: String

    /// Wraps `rawValue`; validity (non-empty, no control characters) is checked when a definition
    /// is created.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A literal identifier.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Decodes the identifier from a plain string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the identifier as a plain string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Orders identifiers by their text.
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The identifier's text.
    public var description: String { rawValue }
}
