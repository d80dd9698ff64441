@testable import StewardJobs
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Unknown zones, bad names and bad files give a typed error naming the zone and the problem.
@Suite struct ZoneErrorTests {
    let system = ZoneDatabase(directory: ZoneDatabase.defaultDirectory)

    func error(_ body: () throws(ZoneError) -> Zone) -> ZoneError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownZoneIsNamed() {
        let failure = error { () throws(ZoneError) in try system.zone(named: "Mars/Olympus_Mons") }
        #expect(failure?.kind == .unknownZone)
        #expect(failure?.zone == "Mars/Olympus_Mons")
        #expect(failure?.message.contains("unknown time zone \"Mars/Olympus_Mons\"") == true)
        // A directory of the zoneinfo tree is not a zone.
        #expect(error { () throws(ZoneError) in try system.zone(named: "America") }?.kind == .unknownZone)
    }

    @Test(arguments: ["../../../etc/passwd", "America/../../../etc/passwd", "..", "/etc/passwd", "/usr/share/zoneinfo/UTC",
                      "", "America/New York", "Europe/Berlin\u{0}", "Zone\\Name"])
    func badNamesAreRefused(name: String) {
        let failure = error { () throws(ZoneError) in try system.zone(named: name) }
        #expect(failure?.kind == .invalidName)
        #expect(failure?.message.contains("invalid time zone name") == true)
    }

    @Test func corruptFilesAreReportedNotReplaced() throws {
        let directory = try ZoneFixtures.directory()
        let newYork = try ZoneFixtures.systemFile("America/New_York")
        let cases: [(name: String, bytes: [UInt8], problem: String)] = [
            ("Bad/Magic", Array("not a zone file at all, but long enough to hold a header ........".utf8), "no \"TZif\" magic"),
            ("Bad/Truncated", Array(newYork.prefix(200)), "shorter than its header"),
            ("Bad/Version", Array(newYork.prefix(4)) + [UInt8(ascii: "9")] + Array(newYork.dropFirst(5)), "unsupported TZif version"),
            ("Bad/Footer", Self.replacingFooter(of: newYork, with: "EST5EDT,M13.1.0,M11.1.0"), "invalid footer rule \"EST5EDT,M13.1.0,M11.1.0\""),
            ("Bad/NoFooterEnd", Array(newYork.dropLast()), "footer does not end"),
            // A zone that the built-in data has must still fail when its file is bad.
            ("America/Chicago", Array(newYork.prefix(60)), "shorter than its header"),
        ]
        for (name, bytes, problem) in cases {
            try ZoneFixtures.write(bytes, to: directory + "/" + name)
            let failure = error { () throws(ZoneError) in try ZoneDatabase(directory: directory).zone(named: name) }
            #expect(failure?.kind == .corruptData, "\(name)")
            #expect(failure?.zone == name)
            #expect(failure?.message.contains("time zone \"\(name)\" is corrupt") == true, "\(failure?.message ?? "no error")")
            #expect(failure?.message.contains(problem) == true, "\(name): \(failure?.message ?? "no error")")
        }
    }

    @Test func unreadableFilesAreReported() throws {
        let directory = try ZoneFixtures.directory()
        #expect(mkfifo(directory + "/Pipe", 0o644) == 0)
        let pipe = error { () throws(ZoneError) in try ZoneDatabase(directory: directory).zone(named: "Pipe") }
        #expect(pipe?.kind == .unreadable)
        #expect(pipe?.message.contains("not a regular file") == true)
        try ZoneFixtures.write([UInt8](repeating: 0x54, count: ZoneFile.maximumSize + 1), to: directory + "/Huge")
        let huge = error { () throws(ZoneError) in try ZoneDatabase(directory: directory).zone(named: "Huge") }
        #expect(huge?.kind == .unreadable)
        #expect(huge?.message.contains("larger than") == true)
    }

    /// The system's file for a zone with its footer rule replaced.
    static func replacingFooter(of bytes: [UInt8], with rule: String) -> [UInt8] {
        let body = bytes.dropLast()
        let start = body.lastIndex(of: UInt8(ascii: "\n"))!
        return Array(bytes[...start]) + Array(rule.utf8) + [UInt8(ascii: "\n")]
    }
}
