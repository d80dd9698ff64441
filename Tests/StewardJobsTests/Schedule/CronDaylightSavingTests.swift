import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// Exact fires across daylight-saving transitions. Fixed-time expressions fire once per day: at
/// the first instant after a gap that skips their time, at the first occurrence of a repeated
/// time. Interval expressions follow elapsed time: both passes of a repeated hour, nothing in a gap.
@Suite("Cron across daylight saving", .timeLimit(.minutes(1)))
struct CronDaylightSavingTests {
    /// The transitions the cases rely on, checked against this machine's zone data first so a
    /// changed rule fails here, by name, instead of as a puzzling fire.
    static let transitions: [(zone: String, instant: String, before: Int, after: Int)] = [
        // New York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
        ("America/New_York", "2026-03-08T07:00:00Z", -5 * 3_600, -4 * 3_600),
        ("America/New_York", "2026-11-01T06:00:00Z", -4 * 3_600, -5 * 3_600),
        // Berlin: last Sunday of March 02:00 → 03:00; last Sunday of October 03:00 → 02:00.
        ("Europe/Berlin", "2026-03-29T01:00:00Z", 3_600, 7_200),
        ("Europe/Berlin", "2026-10-25T01:00:00Z", 7_200, 3_600),
        // Havana: 2026-03-08 00:00 → 01:00 (local midnight does not exist); 2026-11-01 01:00 → 00:00.
        ("America/Havana", "2026-03-08T05:00:00Z", -5 * 3_600, -4 * 3_600),
        ("America/Havana", "2026-11-01T05:00:00Z", -4 * 3_600, -5 * 3_600),
        // Beirut: 2026-03-29 00:00 → 01:00; 2026-10-25 00:00 → 2026-10-24 23:00 (23:00 repeats).
        ("Asia/Beirut", "2026-03-28T22:00:00Z", 2 * 3_600, 3 * 3_600),
        ("Asia/Beirut", "2026-10-24T21:00:00Z", 3 * 3_600, 2 * 3_600),
    ]

    @Test func zoneDataHasTheExpectedTransitions() throws {
        for transition in Self.transitions {
            let zone = try TestTime.zone(transition.zone)
            let instant = try TestTime.instant(transition.instant)
            #expect(zone.offset(at: instant.addingTimeInterval(-1)) == transition.before, "\(transition.zone) before \(transition.instant)")
            #expect(zone.offset(at: instant) == transition.after, "\(transition.zone) at \(transition.instant)")
        }
    }

    static let cases: [CronFireCase] = [
        // New York, spring forward: 02:30 does not exist on 8 March → 03:00 EDT, once.
        CronFireCase("0 30 2 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00-05:00",
                     ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        CronFireCase("0 30 2 * * *", zone: "America/New_York", after: "2026-03-08T03:00:00-04:00", ["2026-03-09T02:30:00-04:00"]),
        // A fixed time at the end of the gap and one skipped into it land on the same instant.
        CronFireCase("0 0 3 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00-05:00",
                     ["2026-03-08T03:00:00-04:00", "2026-03-09T03:00:00-04:00"]),
        // New York, fall back: 01:30 happens twice on 1 November → the first (EDT) only.
        CronFireCase("0 30 1 * * *", zone: "America/New_York", after: "2026-10-31T12:00:00-04:00",
                     ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]),
        CronFireCase("0 30 1 * * *", zone: "America/New_York", after: "2026-11-01T01:30:00-04:00", ["2026-11-02T01:30:00-05:00"]),
        // Intervals through the repeated hour: both passes.
        CronFireCase("0 */30 * * * *", zone: "America/New_York", after: "2026-11-01T00:45:00-04:00",
                     ["2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00",
                      "2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00"]),
        CronFireCase("0 15 * * * *", zone: "America/New_York", after: "2026-11-01T00:30:00-04:00",
                     ["2026-11-01T01:15:00-04:00", "2026-11-01T01:15:00-05:00", "2026-11-01T02:15:00-05:00"]),
        CronFireCase("0 */20 1 * * *", zone: "America/New_York", after: "2026-11-01T00:00:00-04:00",
                     ["2026-11-01T01:00:00-04:00", "2026-11-01T01:20:00-04:00", "2026-11-01T01:40:00-04:00",
                      "2026-11-01T01:00:00-05:00", "2026-11-01T01:20:00-05:00", "2026-11-01T01:40:00-05:00",
                      "2026-11-02T01:00:00-05:00"]),
        // Intervals through the gap: no wall-clock times to fire at.
        CronFireCase("0 */30 * * * *", zone: "America/New_York", after: "2026-03-08T01:15:00-05:00",
                     ["2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"]),
        CronFireCase("0 15 * * * *", zone: "America/New_York", after: "2026-03-08T01:00:00-05:00",
                     ["2026-03-08T01:15:00-05:00", "2026-03-08T03:15:00-04:00"]),
        CronFireCase("0 */20 2 * * *", zone: "America/New_York", after: "2026-03-07T23:00:00-05:00",
                     ["2026-03-09T02:00:00-04:00", "2026-03-09T02:20:00-04:00", "2026-03-09T02:40:00-04:00"]),
        // Berlin, spring: 02:30 skipped on 29 March → 03:00 CEST.
        CronFireCase("0 30 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00+01:00",
                     ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"]),
        CronFireCase("0 0 * * * *", zone: "Europe/Berlin", after: "2026-03-29T01:00:00+01:00",
                     ["2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"]),
        // Berlin, fall: 02:30 twice on 25 October → CEST only; intervals in both passes.
        CronFireCase("0 30 2 * * *", zone: "Europe/Berlin", after: "2026-10-24T12:00:00+02:00",
                     ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]),
        CronFireCase("0 0/30 2 * * *", zone: "Europe/Berlin", after: "2026-10-25T01:00:00+02:00",
                     ["2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00",
                      "2026-10-25T02:30:00+01:00", "2026-10-26T02:00:00+01:00"]),
        // Havana, spring: midnight does not exist on 8 March → 01:00 CDT; a date-only rule too.
        CronFireCase("0 0 0 * * *", zone: "America/Havana", after: "2026-03-07T12:00:00-05:00",
                     ["2026-03-08T01:00:00-04:00", "2026-03-09T00:00:00-04:00"]),
        CronFireCase("0 0 0 8 3 *", zone: "America/Havana", after: "2026-01-01T00:00:00-05:00",
                     ["2026-03-08T01:00:00-04:00", "2027-03-08T00:00:00-05:00"]),
        CronFireCase("0 */30 * * * *", zone: "America/Havana", after: "2026-03-07T23:15:00-05:00",
                     ["2026-03-07T23:30:00-05:00", "2026-03-08T01:00:00-04:00", "2026-03-08T01:30:00-04:00"]),
        // Havana, fall: 00:00–00:59 repeats on 1 November.
        CronFireCase("0 0 0 * * *", zone: "America/Havana", after: "2026-10-31T12:00:00-04:00",
                     ["2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00"]),
        CronFireCase("0 30 0 * * *", zone: "America/Havana", after: "2026-10-31T12:00:00-04:00",
                     ["2026-11-01T00:30:00-04:00", "2026-11-02T00:30:00-05:00"]),
        CronFireCase("0 */30 * * * *", zone: "America/Havana", after: "2026-10-31T23:45:00-04:00",
                     ["2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00", "2026-11-01T00:00:00-05:00",
                      "2026-11-01T00:30:00-05:00", "2026-11-01T01:00:00-05:00"]),
        // Beirut, spring: midnight skipped on 29 March.
        CronFireCase("0 0 0 * * *", zone: "Asia/Beirut", after: "2026-03-28T12:00:00+02:00",
                     ["2026-03-29T01:00:00+03:00", "2026-03-30T00:00:00+03:00"]),
        // Beirut, fall: 23:00–23:59 on 24 October repeats (the clock goes back at midnight).
        CronFireCase("0 30 23 * * *", zone: "Asia/Beirut", after: "2026-10-24T12:00:00+03:00",
                     ["2026-10-24T23:30:00+03:00", "2026-10-25T23:30:00+02:00"]),
        CronFireCase("0 */30 23 * * *", zone: "Asia/Beirut", after: "2026-10-24T22:45:00+03:00",
                     ["2026-10-24T23:00:00+03:00", "2026-10-24T23:30:00+03:00", "2026-10-24T23:00:00+02:00",
                      "2026-10-24T23:30:00+02:00", "2026-10-25T23:00:00+02:00"]),
        // Last day of the month in a zone with DST, and a far, sparse interval across many transitions.
        CronFireCase("0 0 12 L * *", zone: "America/New_York", after: "2028-02-01T00:00:00-05:00",
                     ["2028-02-29T12:00:00-05:00", "2028-03-31T12:00:00-04:00"]),
        CronFireCase("*/30 * * 29 2 ?", zone: "America/New_York", after: "2028-03-01T00:00:00-05:00",
                     ["2032-02-29T00:00:00-05:00", "2032-02-29T00:00:30-05:00"]),
    ]

    @Test(arguments: cases)
    func nextFires(_ row: CronFireCase) throws {
        try row.verify()
    }

    @Test func fixedTimeAndIntervalAreTellable() throws {
        let zone = try TestTime.zone("America/New_York")
        #expect(try CronExpression("0 30 2 * * *", zone: zone).isFixedTime)
        #expect(try CronExpression("30 2 L * *", zone: zone).isFixedTime)
        #expect(try !CronExpression("0 0,30 2 * * *", zone: zone).isFixedTime)
        #expect(try !CronExpression("0 30 1-2 * * *", zone: zone).isFixedTime)
        #expect(try !CronExpression("* 30 2 * * *", zone: zone).isFixedTime)
    }
}
