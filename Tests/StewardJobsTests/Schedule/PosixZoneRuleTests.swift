@testable import StewardJobs
import Testing

/// POSIX TZ rules: the TZif footer and one form of `TZ`.
@Suite struct PosixZoneRuleTests {
    static let files = ZoneDatabase(directory: ZoneDatabase.defaultDirectory)
    /// 2030 … 2200: past every zone file's table, so the file zones follow their footers too
    /// (through 2100 from the table a zone computes when loaded, then from the rule itself).
    static let samples = Array(stride(from: 1_893_456_000, to: 7_258_118_400, by: 5 * 86_400 + 3_593))

    func rule(_ text: String) throws -> Zone { try Zone(posixRule: text) }

    /// The rule and the zone file agree on every sample and every transition.
    func expectSame(_ rule: Zone, as name: String) throws {
        let file = try Self.files.zone(named: name)
        for instant in Self.samples {
            #expect(rule.offset(at: instant) == file.offset(at: instant), "\(rule) vs \(name) at \(instant)")
        }
        var instant = Self.samples[0]
        for _ in 0..<20 {
            let next = rule.nextTransition(after: instant)
            #expect(next == file.nextTransition(after: instant), "\(rule) vs \(name) after \(instant)")
            guard let next else { break }
            instant = next
        }
    }

    /// The rule evaluated directly gives what the table computed from it when a zone is loaded.
    @Test(arguments: ["EST5EDT,M3.2.0,M11.1.0", "AEST-10AEDT,M10.1.0,M4.1.0/3", "IST-1GMT0,M10.5.0,M3.5.0/1",
                      "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "XXX3YYY,59/0,299/0", "EST5EDT4,0/0,J365/25"])
    func ruleMatchesItsTable(text: String) throws {
        let rule = try PosixZoneRule(text)
        let zone = try Zone(posixRule: text)
        // Two changes a year from 1900 to 2100, or none for daylight saving all year.
        #expect((zone.rules.transitions.count > 300) == (rule.nextTransition(after: 0) != nil))
        for instant in stride(from: -2_208_988_800, to: 4_102_444_800, by: 3 * 86_400 + 3_593) {
            #expect(rule.offset(at: instant) == zone.offset(at: instant), "\(text) at \(instant)")
        }
        var instant = -2_208_988_800
        while let next = zone.nextTransition(after: instant), next < 4_102_444_800 {
            #expect(rule.nextTransition(after: instant) == next, "\(text) after \(instant)")
            instant = next
        }
    }

    @Test func northernHemisphere() throws {
        let newYork = try rule("EST5EDT,M3.2.0,M11.1.0")
        // 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
        #expect(newYork.offset(at: 1_772_953_199) == -18_000)
        #expect(newYork.offset(at: 1_772_953_200) == -14_400)
        #expect(newYork.nextTransition(after: 1_772_953_200) == 1_793_512_800)
        #expect(newYork.offset(at: 1_793_512_800) == -18_000)
        try expectSame(newYork, as: "America/New_York")
        // Without dates, daylight saving follows the US rules.
        try expectSame(try rule("EST5EDT"), as: "America/New_York")
    }

    @Test func southernHemisphere() throws {
        let sydney = try rule("AEST-10AEDT,M10.1.0,M4.1.0/3")
        // 2026-04-05 03:00 AEDT → 02:00 AEST is 2026-04-04T16:00Z; 2026-10-04 02:00 AEST → 03:00 AEDT is 2026-10-03T16:00Z.
        #expect(sydney.offset(at: 1_767_225_600) == 39_600)  // January: summer
        #expect(sydney.nextTransition(after: 1_767_225_600) == 1_775_318_400)
        #expect(sydney.offset(at: 1_775_318_400) == 36_000)
        #expect(sydney.nextTransition(after: 1_775_318_400) == 1_791_043_200)
        try expectSame(sydney, as: "Australia/Sydney")
        try expectSame(try rule("<-04>4<-03>,M9.1.6/24,M4.1.6/24"), as: "America/Santiago")
    }

    /// Europe/Dublin's winter time is its daylight saving, one hour *behind* standard time.
    @Test func negativeDaylightSaving() throws {
        let dublin = try rule("IST-1GMT0,M10.5.0,M3.5.0/1")
        #expect(dublin.offset(at: 1_767_225_600) == 0)       // January: GMT
        #expect(dublin.offset(at: 1_783_000_000) == 3_600)   // July: IST
        try expectSame(dublin, as: "Europe/Dublin")
    }

    /// Transition times outside 0–24 h (RFC 8536) and quoted numeric abbreviations.
    @Test func extendedHoursAndQuotedNames() throws {
        let nuuk = try rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0")
        // 2026-03-29 (last Sunday) at −1:00 local, i.e. 2026-03-28 23:00 −02, is 2026-03-29T01:00Z.
        #expect(nuuk.nextTransition(after: 1_772_000_000) == 1_774_746_000)
        try expectSame(nuuk, as: "America/Nuuk")
        #expect(try rule("<+0330>-3:30").offset(at: 0) == 12_600)
        #expect(try rule("<-0230>2:30").offset(at: 0) == -9_000)
        #expect(try rule("XXX3YYY,M3.5.0/167,M10.5.0/-167").offset(at: 1_783_000_000) == -7_200)
    }

    /// `Jn` never counts February 29; `n` does.
    @Test func julianAndZeroBasedDays() throws {
        let julian = try rule("XXX3YYY,J60/0,J300/0")
        let zeroBased = try rule("XXX3YYY,59/0,299/0")
        // In leap 2028, J60 is March 1 and day 59 is February 29 (at 00:00 −03, 03:00Z).
        #expect(julian.nextTransition(after: 1_830_297_600) == 1_835_492_400)      // 2028-03-01T03:00Z
        #expect(zeroBased.nextTransition(after: 1_830_297_600) == 1_835_406_000)   // 2028-02-29T03:00Z
        // In 2027 both are March 1.
        #expect(julian.nextTransition(after: 1_798_761_600) == 1_803_870_000)
        #expect(zeroBased.nextTransition(after: 1_798_761_600) == 1_803_870_000)
    }

    /// `EST5EDT4,0/0,J365/25`: daylight saving all year, no transitions.
    @Test func daylightSavingAllYear() throws {
        let zone = try rule("EST5EDT4,0/0,J365/25")
        for instant in Self.samples { #expect(zone.offset(at: instant) == -14_400) }
        #expect(zone.nextTransition(after: Self.samples[0]) == nil)
        #expect(try rule("<+01>-1").nextTransition(after: 0) == nil)
    }

    @Test(arguments: ["", "EST", "ES5", "5EST", "EST5EDT,M3.2", "EST5EDT,M13.1.0,M11.1.0", "EST25", "EST5EDT,M3.2.0",
                      "EST5EDT,J0,J365", "EST5EDT,366,0", "<AB>3", "EST5EDT,M3.2.0/168,M11.1.0", "EST5 "])
    func invalidRulesAreRefused(text: String) {
        do {
            _ = try Zone(posixRule: text)
            Issue.record("\"\(text)\" parsed")
        } catch {
            #expect(error.kind == .corruptData)
            #expect(error.message.contains("invalid POSIX TZ rule \"\(text)\""))
        }
    }
}
