#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A time zone: its name and its offsets from UTC along the timeline, read from the system's
/// zoneinfo (TZif) files or the built-in copy of the zone data, without Foundation's
/// internationalization or ICU (so it works in a static `steward` binary in any container).
///
/// ```swift
/// let newYork = try Zone(identifier: "America/New_York")
/// newYork.offset(at: 1_773_000_000)          // -14400 (EDT)
/// newYork.nextTransition(after: 1_773_000_000) // the next instant the offset changes
/// ```
///
/// Zones come from ``ZoneDatabase``: ``init(identifier:)`` uses ``ZoneDatabase/system``
/// (`TZDIR`, else `/usr/share/zoneinfo`, else the built-in data), and ``current`` honours `TZ`.
/// Two zones are equal when their identifiers and offsets are.
public struct Zone: Sendable, Hashable, CustomStringConvertible {
    /// The zone's name: an IANA identifier (`"Europe/Berlin"`), or the `TZ` value or file it
    /// came from.
    public let identifier: String
    /// The offsets.
    let rules: ZoneRules

    /// A zone named `identifier` with `rules`, their footer's transitions through 2100 in the
    /// table (see ``ZoneRules/extended(through:)``).
    init(identifier: String, rules: ZoneRules) {
        self.identifier = identifier
        self.rules = rules.extended(through: Self.tableEnd)
    }

    /// 2100-01-01T00:00:00Z: how far transitions are computed when a zone is loaded.
    static let tableEnd = 4_102_444_800

    /// Coordinated Universal Time, always available.
    public static let utc = Zone(identifier: "UTC", rules: .fixed(0))

    /// The zone named `identifier` (`"America/New_York"`, `"UTC"`) in ``ZoneDatabase/system``.
    /// - Throws: ``ZoneError`` naming the zone: unknown, an invalid name (empty, absolute, with
    ///   `..`), or a corrupt or unreadable zone file.
    public init(identifier: String) throws(ZoneError) {
        self = try ZoneDatabase.system.zone(named: identifier)
    }

    /// A zone at a fixed offset of `seconds` east of UTC, named like `UTC+05:30`.
    public init(secondsFromUTC seconds: Int) {
        let magnitude = abs(seconds)
        let two = TimeOfDay.twoDigits
        var name = "UTC" + (seconds < 0 ? "-" : "+") + two(magnitude / 3_600) + ":" + two(magnitude % 3_600 / 60)
        if magnitude % 60 != 0 { name += ":" + two(magnitude % 60) }
        self.init(identifier: name, rules: .fixed(seconds))
    }

    /// A zone following the POSIX `TZ` rule `rule`, such as `"CET-1CEST,M3.5.0,M10.5.0/3"` or
    /// `"<-03>3"`; its identifier is the rule.
    /// - Throws: ``ZoneError/Kind/corruptData`` naming the rule and the position of the problem.
    public init(posixRule rule: String) throws(ZoneError) {
        do {
            self.init(identifier: rule, rules: ZoneRules.fixed(0).with(footer: try PosixZoneRule(rule)))
        } catch {
            throw ZoneError(.corruptData, zone: rule, "invalid POSIX TZ rule \"\(rule)\": \(error.message)")
        }
    }

    /// The local zone: what `TZ` names (see `ZoneDatabase.localZone(tz:)`), or `/etc/localtime`;
    /// UTC when neither gives a zone.
    public static var current: Zone {
        let tz = getenv("TZ").map { String(cString: $0) }
        return (try? ZoneDatabase.system.localZone(tz: tz)) ?? .utc
    }

    /// The offset from UTC in seconds (east positive) at `instant`, seconds since the Unix epoch.
    public func offset(at instant: Int) -> Int {
        rules.offset(at: instant)
    }

    /// The first instant after `instant` (seconds since the Unix epoch) at which the zone's
    /// offset from UTC changes, or `nil` when it never changes again.
    public func nextTransition(after instant: Int) -> Int? {
        rules.nextTransition(after: instant)
    }

    /// The offset from UTC in seconds at `date` (its whole second).
    public func offset(at date: Date) -> Int {
        offset(at: Self.second(of: date))
    }

    /// The first instant after `date` at which the offset changes, or `nil` when it never does.
    public func nextTransition(after date: Date) -> Date? {
        nextTransition(after: Self.second(of: date)).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The identifier.
    public var description: String { identifier }

    /// Hashes the identifier.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(identifier)
    }

    private static func second(of date: Date) -> Int {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        return seconds.isFinite ? Int(max(-1e15, min(1e15, seconds))) : 0
    }
}

extension ZoneRules {
    /// These rules with `footer` as the rule after the last transition.
    func with(footer: PosixZoneRule) -> ZoneRules {
        var rules = self
        rules.footer = footer
        return rules
    }
}
