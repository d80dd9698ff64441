#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A day of the week. The raw value is the POSIX cron number (0 = Sunday … 6 = Saturday).
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Sunday (0).
    case sunday = 0
    /// Monday (1).
    case monday
    /// Tuesday (2).
    case tuesday
    /// Wednesday (3).
    case wednesday
    /// Thursday (4).
    case thursday
    /// Friday (5).
    case friday
    /// Saturday (6).
    case saturday

    /// The weekday `instant` falls on in `zone`.
    public init(of instant: Date, in zone: Zone) {
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + zone.offset(at: instant)
        self = Weekday(rawValue: CivilTime.weekday(dayNumber: CivilTime.floorDivide(local, 86_400))) ?? .sunday
    }

    /// "Sun", "Mon", … "Sat".
    public var abbreviation: String {
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][rawValue]
    }

    /// The cron name: "SUN", "MON", … "SAT".
    var cronName: String { abbreviation.uppercased() }

    /// The abbreviation.
    public var description: String { abbreviation }

    /// Sunday first.
    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}
