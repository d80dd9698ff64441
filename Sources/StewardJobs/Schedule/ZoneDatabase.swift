import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where zones come from: a zoneinfo directory of TZif files, with the built-in copy of the zone
/// data (from 1970 on, see ``builtInVersion``) as the fallback for any zone the directory lacks,
/// as Go's `time/tzdata` does; so `UTC` and every IANA zone work in an image without tzdata.
///
/// Loaded zones are cached for the life of the process (per directory and name); a tzdata update
/// is seen after a restart.
public struct ZoneDatabase: Sendable, Hashable {
    /// The zoneinfo directory when `TZDIR` is not set: `/usr/share/zoneinfo`.
    public static let defaultDirectory = "/usr/share/zoneinfo"

    /// The tzdata release of the built-in zone data (`"2025b"`).
    public static var builtInVersion: String { EmbeddedZoneData.version }

    /// The directory zone files are read from.
    public let directory: String

    /// A database reading `directory`.
    public init(directory: String = ZoneDatabase.defaultDirectory) {
        self.directory = directory
    }

    /// The database `environment` describes: `TZDIR` when set and not empty, else the default.
    public init(environment: [String: String]) {
        self.init(directory: environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultDirectory)
    }

    /// The database of this process's environment (`TZDIR`).
    public static var system: ZoneDatabase {
        let value = getenv("TZDIR").map { String(cString: $0) }
        return ZoneDatabase(environment: value.map { ["TZDIR": $0] } ?? [:])
    }

    /// The zone named `name`: the TZif file `name` in ``directory``, else the built-in data.
    /// `UTC`, `Etc/UTC` and their aliases are always available.
    /// - Throws: ``ZoneError`` naming the zone: ``ZoneError/Kind/invalidName`` for an empty or
    ///   absolute name, one with `..`, or characters other than letters, digits and `/_-+.`;
    ///   ``ZoneError/Kind/unknownZone``; ``ZoneError/Kind/corruptData`` or
    ///   ``ZoneError/Kind/unreadable`` for a bad file.
    public func zone(named name: String) throws(ZoneError) -> Zone {
        try Self.validate(name)
        let key = directory + "\u{0}" + name
        if let zone = Self.cache.withLock({ $0[key] }) { return zone }
        let zone: Zone
        switch ZoneFile.read(directory + "/" + name) {
        case .bytes(let bytes):
            zone = Zone(identifier: name, rules: try Self.parse(bytes, zone: name, source: "\(directory)/\(name)"))
        case .unreadable(let reason):
            throw ZoneError(.unreadable, zone: name, "time zone \"\(name)\" cannot be read: \(reason)")
        case .missing:
            guard let bytes = BuiltInZones.bytes(named: name) else {
                if Self.utcNames.contains(name) { return Zone(identifier: name, rules: .fixed(0)) }
                throw ZoneError(.unknownZone, zone: name, "unknown time zone \"\(name)\" (use an IANA name such as Europe/Berlin or UTC)")
            }
            zone = Zone(identifier: name, rules: try Self.parse(bytes, zone: name, source: "the built-in zone data"))
        }
        Self.cache.withLock { $0[key] = zone }
        return zone
    }

    /// The local zone `tz` (the value of `TZ`) selects, as the C library reads it:
    /// - `nil` (unset): the file `localtimePath` (`/etc/localtime`), UTC when it does not exist;
    /// - empty: UTC;
    /// - `:name` or `name`: the zone `name` (`America/New_York`), or, when it names none, a POSIX
    ///   TZ rule (`EST5EDT,M3.2.0,M11.1.0`, `<+0330>-3:30`);
    /// - `:/path` or `/path`: the TZif file at that path.
    /// - Throws: ``ZoneError`` naming the `TZ` value when it is none of those, or the file is bad.
    public func localZone(tz: String?, localtimePath: String = "/etc/localtime") throws(ZoneError) -> Zone {
        guard let tz else {
            return try file(localtimePath, identifier: Self.zoneName(linkedFrom: localtimePath) ?? "localtime", missing: .utc)
        }
        let value = tz.hasPrefix(":") ? String(tz.dropFirst()) : tz
        if value.isEmpty { return .utc }
        if value.hasPrefix("/") {
            return try file(value, identifier: Self.zoneName(inPath: value) ?? value, missing: nil)
        }
        do {
            return try zone(named: value)
        } catch where error.kind == .unknownZone || error.kind == .invalidName {
            guard let rule = try? PosixZoneRule(value) else {
                throw ZoneError(.unknownZone, zone: tz, "TZ=\"\(tz)\" is neither a known time zone nor a POSIX TZ rule (use a name such as Europe/Berlin, a path, or a rule such as CET-1CEST,M3.5.0,M10.5.0/3)")
            }
            return Zone(identifier: value, rules: ZoneRules.fixed(0).with(footer: rule))
        }
    }

    /// Every zone of the built-in data, sorted.
    public static var builtInIdentifiers: [String] { BuiltInZones.identifiers }

    // MARK: - Internals

    /// Names that are UTC even without any zone data.
    static let utcNames: Set<String> = ["UTC", "Etc/UTC", "UCT", "Etc/UCT", "Zulu", "Etc/Zulu", "Universal", "Etc/Universal",
                                        "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "GMT-0", "Etc/GMT+0", "Etc/GMT-0", "Greenwich", "Etc/Greenwich"]

    private static let cache = Mutex<[String: Zone]>([:])

    private func file(_ path: String, identifier: String, missing: Zone?) throws(ZoneError) -> Zone {
        let key = "\u{0}path\u{0}" + path
        if let zone = Self.cache.withLock({ $0[key] }), zone.identifier == identifier { return zone }
        switch ZoneFile.read(path) {
        case .bytes(let bytes):
            let zone = Zone(identifier: identifier, rules: try Self.parse(bytes, zone: identifier, source: path))
            Self.cache.withLock { $0[key] = zone }
            return zone
        case .unreadable(let reason):
            throw ZoneError(.unreadable, zone: identifier, "time zone \"\(identifier)\" cannot be read: \(reason)")
        case .missing:
            guard let missing else { throw ZoneError(.unknownZone, zone: identifier, "time zone file \(path) does not exist") }
            return missing
        }
    }

    private static func parse(_ bytes: [UInt8], zone name: String, source: String) throws(ZoneError) -> ZoneRules {
        do {
            return try TZifFormat.parse(bytes)
        } catch {
            throw ZoneError(.corruptData, zone: name, "time zone \"\(name)\" is corrupt (\(source)): \(error.message)")
        }
    }

    private static func validate(_ name: String) throws(ZoneError) {
        let allowed = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || "/_-+.".utf8.contains(byte)
        }
        let problem: String? = if name.isEmpty { "it is empty" }
            else if name.utf8.count > 255 { "it is longer than 255 bytes" }
            else if name.hasPrefix("/") { "it starts with \"/\"" }
            else if name.contains("..") { "it contains \"..\"" }
            else if !name.utf8.allSatisfy(allowed) { "only letters, digits and / _ - + . may appear" }
            else { nil }
        if let problem {
            throw ZoneError(.invalidName, zone: name, "invalid time zone name \"\(name)\": \(problem) (use an IANA name such as Europe/Berlin or UTC)")
        }
    }

    /// `Europe/Berlin` for a symbolic link to `…/zoneinfo/Europe/Berlin`.
    private static func zoneName(linkedFrom path: String) -> String? {
        ZoneFile.linkTarget(path).flatMap(zoneName(inPath:))
    }

    /// The part of `path` after its last `zoneinfo/`.
    private static func zoneName(inPath path: String) -> String? {
        let bytes = Array(path.utf8), marker = Array("zoneinfo/".utf8)
        guard bytes.count > marker.count else { return nil }
        for start in stride(from: bytes.count - marker.count, through: 0, by: -1) where bytes[start..<(start + marker.count)].elementsEqual(marker) {
            let name = String(decoding: bytes[(start + marker.count)...], as: UTF8.self)
            return name.isEmpty ? nil : name
        }
        return nil
    }
}
