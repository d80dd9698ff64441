import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// Test helpers: zones by name and instants from ISO 8601 text, failing loudly on typos.
enum TestTime {
    struct BadFixture: Error, CustomStringConvertible {
        let description: String
    }

    static func zone(_ name: String) throws -> Zone {
        do {
            return try ZoneDatabase(directory: ZoneDatabase.defaultDirectory).zone(named: name)
        } catch {
            throw BadFixture(description: "no zone \(name): \(error)")
        }
    }

    /// What the UTC zone calls itself.
    static var utcName: String { Zone.utc.identifier }

    /// An instant from text with an explicit offset or Z.
    static func instant(_ text: String) throws -> Date {
        try InstantText.parse(text, zone: zone("UTC"))
    }

    /// `date` as text in `zone`, for readable comparisons.
    static func text(_ date: Date?, _ zone: Zone) -> String {
        date.map { InstantText.format($0, zone: zone) } ?? "nil"
    }
}
