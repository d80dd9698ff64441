import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// ISO 8601 instants: parsing with offsets, Z, or a zone's wall clock; formatting with offsets.
@Suite("Instant text", .timeLimit(.minutes(1)))
struct InstantTextTests {
    @Test func parsesOffsetsAndZ() throws {
        let utc = try TestTime.zone("UTC")
        // 2026-12-01T03:00:00Z is 1 796 094 000 s after the epoch.
        for text in ["2026-12-01T03:00:00Z", "2026-12-01t03:00:00z", "2026-12-01 03:00:00Z", "2026-12-01T04:00:00+01:00",
                     "2026-12-01T04:00:00+0100", "2026-12-01T04:00+01", "2026-11-30T22:30:00-04:30"] {
            #expect(try InstantText.parse(text, zone: utc) == Date(timeIntervalSince1970: 1_796_094_000), "\(text)")
        }
        #expect(try InstantText.parse("2026-12-01T03:00:00.250Z", zone: utc) == Date(timeIntervalSince1970: 1_796_094_000.25))
    }

    @Test func wallClockTextUsesTheZoneAndItsGaps() throws {
        let newYork = try TestTime.zone("America/New_York")
        #expect(try InstantText.parse("2026-01-15T09:00:00", zone: newYork) == (try TestTime.instant("2026-01-15T14:00:00Z")))
        // Skipped by the spring gap: the first instant after it. Repeated on fall-back: the first.
        #expect(try InstantText.parse("2026-03-08T02:30:00", zone: newYork) == (try TestTime.instant("2026-03-08T07:00:00Z")))
        #expect(try InstantText.parse("2026-11-01T01:30:00", zone: newYork) == (try TestTime.instant("2026-11-01T05:30:00Z")))
    }

    @Test func rejectsWithPosition() throws {
        let utc = try TestTime.zone("UTC")
        let rows: [(String, String)] = [
            ("2026-02-29T00:00:00Z", "at position 8: day 29 does not exist in 2026-02"),
            ("2026-12-01", "at position 10: expected \"T\" between the date and the time"),
            ("2026-12-01T25:00:00Z", "at position 11: hour 25 is out of range 0–23"),
            ("2026-12-01T03:00:00+1", "at position 20: expected 2 digits (offset hours)"),
            ("2026-12-01T03:00:00Q", "at position 19: expected Z, an offset such as +01:00, or the end"),
            ("2026-12-01T03:00:00Zx", "at position 20: unexpected \"x\""),
            ("tomorrow", "at position 0: expected 4 digits (year)"),
        ]
        for (text, fragment) in rows {
            do {
                _ = try InstantText.parse(text, zone: utc)
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.kind == .invalidInstant)
                #expect(error.message.contains(fragment), "\(error.message)")
            }
        }
    }

    @Test func formatsWithTheZoneOffset() throws {
        let instant = try TestTime.instant("2026-03-08T07:00:00Z")
        #expect(InstantText.format(instant, zone: try TestTime.zone("America/New_York")) == "2026-03-08T03:00:00-04:00")
        #expect(InstantText.format(instant.addingTimeInterval(-1), zone: try TestTime.zone("America/New_York")) == "2026-03-08T01:59:59-05:00")
        #expect(InstantText.format(instant, zone: try TestTime.zone("Asia/Kathmandu")) == "2026-03-08T12:45:00+05:45")
        #expect(InstantText.format(instant, zone: try TestTime.zone("UTC")) == "2026-03-08T07:00:00+00:00")
        #expect(InstantText.format(instant.addingTimeInterval(0.5)) == "2026-03-08T07:00:00.500Z")
        #expect(InstantText.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }
}
