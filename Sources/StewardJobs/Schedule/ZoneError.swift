/// Why a time zone could not be loaded: the zone's name (or the `TZ` value, or the file) and what
/// is wrong with it.
public struct ZoneError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Kind: Sendable, Hashable {
        /// No zone of that name exists, neither in the zoneinfo directory nor in the built-in data.
        case unknownZone
        /// The name is not a valid zone name: empty, absolute, with a `..` component or odd characters.
        case invalidName
        /// The zone's data (a TZif file or a POSIX TZ string) is malformed.
        case corruptData
        /// The zone's file exists but cannot be read (not a regular file, too large, an I/O error).
        case unreadable
    }

    /// What went wrong.
    public let kind: Kind
    /// The zone name, `TZ` value or file the error is about.
    public let zone: String
    /// A sentence naming the zone and the problem.
    public let message: String

    /// An error of `kind` about `zone`.
    public init(_ kind: Kind, zone: String, _ message: String) {
        self.kind = kind
        self.zone = zone
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
