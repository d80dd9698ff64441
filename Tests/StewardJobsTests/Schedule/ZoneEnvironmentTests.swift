@testable import StewardJobs
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `TZ` and `TZDIR`, as the C library reads them.
@Suite struct ZoneEnvironmentTests {
    let system = ZoneDatabase(directory: ZoneDatabase.defaultDirectory)
    /// 2026-07-01T12:00:00Z.
    let july = 1_782_907_200

    func local(_ tz: String?, localtime: String = "/nonexistent/localtime", in database: ZoneDatabase? = nil) throws(ZoneError) -> Zone {
        try (database ?? system).localZone(tz: tz, localtimePath: localtime)
    }

    @Test func zoneNamesWithAndWithoutColon() throws {
        for tz in [":America/New_York", "America/New_York"] {
            let zone = try local(tz)
            #expect(zone.identifier == "America/New_York")
            #expect(zone.offset(at: july) == -14_400)
        }
    }

    @Test func pathsToZoneFiles() throws {
        for tz in ["/usr/share/zoneinfo/Europe/Berlin", ":/usr/share/zoneinfo/Europe/Berlin"] {
            let zone = try local(tz)
            #expect(zone.identifier == "Europe/Berlin")
            #expect(zone.offset(at: july) == 7_200)
        }
        #expect(throws: ZoneError.self) { try local("/nonexistent/Europe/Berlin") }
    }

    @Test func posixRules() throws {
        let zone = try local("CET-1CEST,M3.5.0,M10.5.0/3")
        #expect(zone.identifier == "CET-1CEST,M3.5.0,M10.5.0/3")
        #expect(zone.offset(at: july) == 7_200)
        #expect(zone.offset(at: july - 182 * 86_400) == 3_600)
        #expect(try local("<+0545>-5:45").offset(at: july) == 20_700)
    }

    @Test func emptyIsUTCAndUnsetReadsLocaltime() throws {
        #expect(try local("") == .utc)
        #expect(try local(":") == .utc)
        #expect(try local(nil) == .utc)  // no /etc/localtime: UTC
        let directory = try ZoneFixtures.directory()
        #expect(symlink("/usr/share/zoneinfo/Asia/Tokyo", directory + "/localtime") == 0)
        let tokyo = try local(nil, localtime: directory + "/localtime")
        #expect(tokyo.identifier == "Asia/Tokyo")
        #expect(tokyo.offset(at: july) == 32_400)
        try ZoneFixtures.write(try ZoneFixtures.systemFile("Asia/Kolkata"), to: directory + "/copied")
        let copied = try local(nil, localtime: directory + "/copied")
        #expect(copied.identifier == "localtime")
        #expect(copied.offset(at: july) == 19_800)
    }

    @Test func unknownTZIsNamed() {
        do {
            _ = try local("Not/A_Zone")
            Issue.record("TZ=Not/A_Zone gave a zone")
        } catch {
            #expect(error.kind == .unknownZone)
            #expect(error.zone == "Not/A_Zone")
            #expect(error.message.contains("TZ=\"Not/A_Zone\" is neither a known time zone nor a POSIX TZ rule"))
        }
    }

    @Test func tzdirSelectsTheDirectory() throws {
        let directory = try ZoneFixtures.directory()
        #expect(ZoneDatabase(environment: ["TZDIR": directory]).directory == directory)
        #expect(ZoneDatabase(environment: ["TZDIR": ""]).directory == ZoneDatabase.defaultDirectory)
        #expect(ZoneDatabase(environment: [:]).directory == ZoneDatabase.defaultDirectory)
        // A zone file of the directory wins over the built-in data: here "Europe/Paris" is Tokyo.
        try ZoneFixtures.write(try ZoneFixtures.systemFile("Asia/Tokyo"), to: directory + "/Europe/Paris")
        let database = ZoneDatabase(environment: ["TZDIR": directory])
        #expect(try database.zone(named: "Europe/Paris").offset(at: july) == 32_400)
        // Zones the directory lacks come from the built-in data, for TZ too.
        #expect(try local("Europe/Berlin", in: database).offset(at: july) == 7_200)
        #expect(try database.zone(named: "UTC").offset(at: july) == 0)
    }

    @Test func fixedOffsetZones() {
        #expect(Zone(secondsFromUTC: 19_800).identifier == "UTC+05:30")
        #expect(Zone(secondsFromUTC: -3_600).offset(at: july) == -3_600)
        #expect(Zone(secondsFromUTC: -3_600).nextTransition(after: july) == nil)
        #expect(Zone.utc.identifier == "UTC")
    }
}

/// The `TimeZone` overloads kept for source compatibility do not make `.current` or `.utc`
/// ambiguous: they name `Zone`'s.
@Suite struct ZoneOverloadTests {
    @Test func implicitMembersNameZones() throws {
        let expression = try CronExpression("0 0 6 * * *", zone: .current)
        #expect(expression.zone == Zone.current)
        let instant = try InstantText.parse("2026-07-01T12:00:00", zone: .utc)
        #expect(InstantText.format(instant, zone: .utc) == "2026-07-01T12:00:00+00:00")
        #expect(CalendarSchedule.daily(at: try TimeOfDay(hour: 6), zone: .utc).description == "daily at 06:00 (UTC)")
    }
}
