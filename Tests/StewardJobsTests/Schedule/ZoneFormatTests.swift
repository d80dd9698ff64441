@testable import StewardJobs
import Testing

/// TZif versions 1 to 4, and zones read from files written by hand.
@Suite struct ZoneFormatTests {
    /// 1970 … 2037, where version 1 files (32-bit times) hold all transitions.
    static let samples = Array(stride(from: 0, to: 2_145_916_800, by: 7 * 86_400 + 3_599))

    @Test(arguments: ["America/New_York", "Australia/Sydney", "Europe/Dublin", "Asia/Kolkata"])
    func versionOneFileGivesTheSameOffsets(name: String) throws {
        let bytes = try ZoneFixtures.systemFile(name)
        let full = try TZifFormat.parse(bytes)
        // The version 1 part alone, marked version 1: the 32-bit data block and no footer.
        var reader = bytes
        reader[4] = 0
        let versionOne = try TZifFormat.parse(reader)
        #expect(versionOne.footer == nil)
        for instant in Self.samples {
            #expect(versionOne.offset(at: instant) == full.offset(at: instant), "\(name) at \(instant)")
        }
    }

    @Test(arguments: [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4")])
    func laterVersionsAreRead(version: UInt8) throws {
        var bytes = try ZoneFixtures.systemFile("America/Nuuk")
        let expected = try TZifFormat.parse(bytes)
        bytes[4] = version
        let second = 44 + (try TZifFormat.Header.versionOneDataSize(bytes))
        bytes[second + 4] = version
        #expect(try TZifFormat.parse(bytes) == expected)
    }

    /// The writer's output reads back as the same rules.
    @Test func encodedRulesReadBack() throws {
        let rules = try TZifFormat.parse(try ZoneFixtures.systemFile("Europe/Berlin"))
        #expect(try TZifFormat.parse(TZifFormat.encode(rules)) == rules)
        let trimmed = rules.trimmed(from: 0)
        #expect(trimmed.transitions.count < rules.transitions.count)
        for instant in Self.samples + [4_000_000_000, 4_102_444_799] {
            #expect(trimmed.offset(at: instant) == rules.offset(at: instant))
        }
    }
}
