import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// The config spellings: cron, every (+ at as its anchor), at, zone; and their errors.
@Suite("Schedule spellings", .timeLimit(.minutes(1)))
struct ScheduleSpecTests {
    let loaded = Date(timeIntervalSince1970: 1_800_000_000)

    func parse(cron: String? = nil, every: String? = nil, at: String? = nil, zone: String? = nil) throws -> (any Schedule)? {
        try ScheduleSpec.parse(cron: cron, every: every, at: at, zone: zone, defaultZone: try TestTime.zone("Europe/Berlin"), anchor: loaded)
    }

    func error(cron: String? = nil, every: String? = nil, at: String? = nil, zone: String? = nil) throws -> ScheduleError? {
        let defaultZone = try TestTime.zone("Europe/Berlin")
        do {
            _ = try ScheduleSpec.parse(cron: cron, every: every, at: at, zone: zone, defaultZone: defaultZone, anchor: loaded)
            return nil
        } catch {
            return error
        }
    }

    @Test func cronInTheGivenOrDefaultZone() throws {
        let explicit = try #require(try parse(cron: "0 30 2 * * *", zone: "America/New_York") as? CronExpression)
        #expect(explicit.zone.identifier == "America/New_York")
        #expect(explicit.nextFire(after: try TestTime.instant("2026-03-07T12:00:00-05:00")) == (try TestTime.instant("2026-03-08T03:00:00-04:00")))
        let defaulted = try #require(try parse(cron: "@daily") as? CronExpression)
        #expect(defaulted.zone.identifier == "Europe/Berlin")
        #expect(defaulted.nextFire(after: try TestTime.instant("2026-01-01T12:00:00Z")) == (try TestTime.instant("2026-01-02T00:00:00+01:00")))
    }

    @Test func everyIsAnchoredAtLoadOrAt() throws {
        let loadedAnchor = try #require(try parse(every: "1h30m") as? IntervalSchedule)
        #expect(loadedAnchor.interval == .seconds(5_400))
        #expect(loadedAnchor.anchor == loaded)
        #expect(loadedAnchor.nextFire(after: loaded) == loaded.addingTimeInterval(5_400))
        let anchored = try #require(try parse(every: "30s", at: "2026-12-01T03:00:00Z") as? IntervalSchedule)
        #expect(anchored.anchor == (try TestTime.instant("2026-12-01T03:00:00Z")))
        #expect(anchored.nextFire(after: try TestTime.instant("2026-12-01T03:00:10Z")) == (try TestTime.instant("2026-12-01T03:00:30Z")))
    }

    @Test func atAloneRunsOnce() throws {
        let once = try #require(try parse(at: "2026-12-01T04:00:00+01:00") as? OneTimeSchedule)
        #expect(once.instant == (try TestTime.instant("2026-12-01T03:00:00Z")))
        // Without an offset: wall-clock time in the zone.
        let local = try #require(try parse(at: "2026-07-01T12:00:00", zone: "Asia/Tokyo") as? OneTimeSchedule)
        #expect(local.instant == (try TestTime.instant("2026-07-01T03:00:00Z")))
    }

    @Test func nothingMeansTriggeredOnly() throws {
        #expect(try parse() == nil)
    }

    @Test func errorsNameTheProblem() throws {
        let zone = try #require(try error(cron: "@daily", zone: "Mars/Olympus_Mons"))
        #expect(zone.kind == .unknownZone)
        #expect(zone.message == "unknown time zone \"Mars/Olympus_Mons\" (use an IANA name such as Europe/Berlin or UTC)")

        let cron = try #require(try error(cron: "10 15 25 * * *"))
        #expect(cron.kind == .invalidCron)
        #expect(cron.message == "invalid cron expression \"10 15 25 * * *\": field 3 (hour) at column 7: 25 is out of range 0–23")
        #expect(cron.cronError?.column == 7)

        let every = try #require(try error(every: "5 minutes"))
        #expect(every.kind == .invalidInterval)
        #expect(every.message.hasPrefix("invalid interval: invalid duration \"5 minutes\""))
        #expect(try error(every: "0")?.kind == .invalidInterval)

        let at = try #require(try error(at: "2026-13-01T00:00:00Z"))
        #expect(at.kind == .invalidInstant)
        #expect(at.message.hasPrefix("invalid instant \"2026-13-01T00:00:00Z\" at position 5: month 13 is out of range 1–12"))

        #expect(try error(cron: "@daily", every: "5m")?.kind == .conflictingSettings)
        #expect(try error(cron: "@daily", at: "2026-12-01T03:00:00Z")?.kind == .conflictingSettings)
        #expect(try error(zone: "")?.kind == .unknownZone)
    }
}
