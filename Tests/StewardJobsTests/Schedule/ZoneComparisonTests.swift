@testable import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `Zone` against Foundation's `TimeZone` (ICU) for every zone of this machine's zoneinfo, and
/// the built-in data against the files.
@Suite struct ZoneComparisonTests {
    static let directory = ZoneDatabase.defaultDirectory
    static let names = ZoneDataGenerator.zoneFiles(in: directory).map(\.name)
    /// 1970-01-01 … 2100-01-01.
    static let range = 0..<4_102_444_800

    /// Instants spread over the range, at varying times of day.
    static let samples = Array(stride(from: range.lowerBound, to: range.upperBound, by: 30 * 86_400 + 3_607))

    /// The transitions of `zone` in the range.
    static func transitions(_ zone: Zone) -> [Int] {
        var list: [Int] = []
        var instant = range.lowerBound
        while let next = zone.nextTransition(after: instant), next < range.upperBound {
            list.append(next)
            instant = next
        }
        return list
    }

    /// Zones whose data differs between this machine's tzdata and the copy in Foundation's ICU.
    static let newerInICU = [
        "EET": "tzdata 2024b made it a link to Europe/Athens (offsets before 1981 differ); Ubuntu's file keeps the old rules",
        "WET": "tzdata 2024b made it a link to Europe/Lisbon (offsets before 1983 differ); Ubuntu's file keeps the old rules",
    ]

    @Test func everyZoneMatchesFoundation() throws {
        #expect(Self.names.count > 400, "zoneinfo at \(Self.directory) holds \(Self.names.count) zones")
        let database = ZoneDatabase(directory: Self.directory)
        var mismatches: [String] = []
        var compared = 0
        for name in Self.names {
            guard !Self.newerInICU.keys.contains(name), let timeZone = TimeZone(identifier: name), timeZone.identifier == name else { continue }
            compared += 1
            let zone = try database.zone(named: name)
            func foundation(_ instant: Int) -> Int { timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))) }
            var problems: [String] = []
            for instant in Self.samples where zone.offset(at: instant) != foundation(instant) {
                problems.append("offset at \(instant): \(zone.offset(at: instant)) vs \(foundation(instant))")
            }
            for instant in Self.transitions(zone) where zone.offset(at: instant) != foundation(instant) || zone.offset(at: instant - 1) != foundation(instant - 1) {
                problems.append("transition at \(instant)")
            }
            var date = Date(timeIntervalSince1970: Double(Self.range.lowerBound))
            while let next = timeZone.nextDaylightSavingTimeTransition(after: date), next.timeIntervalSince1970 < Double(Self.range.upperBound) {
                let instant = Int(next.timeIntervalSince1970.rounded(.up))
                if zone.offset(at: instant) != foundation(instant) { problems.append("Foundation's transition at \(instant)") }
                date = next
            }
            if !problems.isEmpty { mismatches.append("\(name): \(problems.count) mismatches, first \(problems[0])") }
        }
        #expect(compared > 400)
        #expect(mismatches.isEmpty, "\(mismatches.count) zones differ:\n\(mismatches.joined(separator: "\n"))")
    }

    /// With a zoneinfo directory holding nothing, the built-in data gives every zone, with the
    /// same offsets and transitions from 1970 on.
    @Test func builtInDataMatchesTheFiles() throws {
        let files = ZoneDatabase(directory: Self.directory)
        let empty = ZoneDatabase(directory: try ZoneFixtures.directory())
        var mismatches: [String] = []
        for name in Self.names {
            let (file, builtIn) = (try files.zone(named: name), try empty.zone(named: name))
            if Self.transitions(file) != Self.transitions(builtIn) { mismatches.append("\(name): transitions differ") }
            for instant in Self.samples where file.offset(at: instant) != builtIn.offset(at: instant) {
                mismatches.append("\(name): offset at \(instant)")
                break
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) zones differ:\n\(mismatches.joined(separator: "\n"))")
        if ZoneDataGenerator.version(of: Self.directory) == ZoneDatabase.builtInVersion {
            #expect(ZoneDatabase.builtInIdentifiers == Self.names.sorted())
        }
    }

    /// A directory that does not exist also falls back on the built-in data.
    @Test func missingDirectoryUsesBuiltInData() throws {
        let database = ZoneDatabase(directory: "/nonexistent/zoneinfo")
        let newYork = try database.zone(named: "America/New_York")
        // 2026-03-08T07:00:00Z: clocks go from 02:00 EST to 03:00 EDT.
        #expect(newYork.offset(at: 1_772_953_199) == -18_000)
        #expect(newYork.offset(at: 1_772_953_200) == -14_400)
        #expect(newYork.nextTransition(after: 1_772_900_000) == 1_772_953_200)
        #expect(try database.zone(named: "UTC").offset(at: 0) == 0)
        #expect(try database.zone(named: "Etc/UTC").nextTransition(after: 0) == nil)
    }
}
