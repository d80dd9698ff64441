#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The unique identifier of one run: a lowercase UUID, readable by people and by other processes
/// (`steward run show 3f2c…`).
public struct RunID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier's text.
    public let rawValue: String

    /// Wraps an identifier read back from a journal or typed by a user.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A literal identifier (tests, examples).
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A new random identifier.
    public static func make() -> RunID { RunID(UUID().uuidString.lowercased()) }

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
    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The identifier's text.
    public var description: String { rawValue }
}
