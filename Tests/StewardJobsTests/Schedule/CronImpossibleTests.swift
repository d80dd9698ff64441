import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// Expressions no date satisfies parse, say so, and answer `nil` at once; far but possible fires
/// are found quickly too.
@Suite("Cron impossible and far expressions", .timeLimit(.minutes(1)))
struct CronImpossibleTests {
    static let impossible = [
        "0 0 0 30 2 *", "0 0 0 31 4 *", "* * * ? * MON#6", "0 0 0 31 2,4,6,9,11 *", "0 0 0 30 2 ? 2030-2040",
        "0 0 0 L-30 2 *", "0 0 0 30W 2 *", "0 0 0 ? 2 MON#5 2027",
    ]

    @Test(arguments: impossible)
    func neverFires(_ text: String) throws {
        let zone = try TestTime.zone("America/New_York")
        let clock = ContinuousClock()
        let started = clock.now
        let cron = try CronExpression(text, zone: zone)
        #expect(!cron.isSatisfiable)
        #expect(cron.nextFire(after: try TestTime.instant("2026-01-01T00:00:00Z")) == nil)
        #expect(cron.nextFire(after: try TestTime.instant("1999-06-15T00:00:00Z")) == nil)
        #expect(clock.now - started < .seconds(10), "a hang guard (a scan second by second would take hours): \(text) took \(clock.now - started)")
    }

    @Test func possibleExpressionsAreSatisfiable() throws {
        let zone = try TestTime.zone("UTC")
        for text in ["0 0 0 29 2 *", "0 0 0 ? 2 MON#5", "0 0 0 1 1 ? 2020", "0 0 0 L-27 2 *", "0 0 0 ? 2 MON#5 2044"] {
            #expect(try CronExpression(text, zone: zone).isSatisfiable, "\(text)")
        }
    }

    /// February with five Mondays: only when 1 February is a Monday in a leap year (2044, 2072, …).
    @Test func rareDatesAreFoundExactly() throws {
        let zone = try TestTime.zone("Europe/Berlin")
        let cron = try CronExpression("0 0 0 ? 2 MON#5", zone: zone)
        let fires = cron.fires(after: try TestTime.instant("2026-01-01T00:00:00Z"), limit: 3)
        #expect(fires == [try TestTime.instant("2044-02-29T00:00:00+01:00"), try TestTime.instant("2072-02-29T00:00:00+01:00"),
                          try TestTime.instant("2112-02-29T00:00:00+01:00")])
    }

    @Test func farYearAcrossManyTransitionsIsQuick() throws {
        let zone = try TestTime.zone("America/New_York")
        let clock = ContinuousClock()
        let started = clock.now
        let cron = try CronExpression("* * * * * ? 2399", zone: zone)
        let fire = cron.nextFire(after: try TestTime.instant("2026-01-01T00:00:00Z"))
        #expect(fire == (try TestTime.instant("2399-01-01T00:00:00-05:00")))
        #expect(clock.now - started < .seconds(10), "a hang guard (a scan second by second would take hours): took \(clock.now - started)")
    }
}
