import StewardJobs
import Testing

/// Exact next fires for `L`, `L-n`, `W`, `LW`, `nL`, `#`, February 29, the OR of day of month and
/// day of week, and Quartz day-of-week numbering (UTC).
@Suite("Cron day rules", .timeLimit(.minutes(1)))
struct CronDayRuleTests {
    static let start = "2026-01-01T00:00:00Z"

    static let cases: [CronFireCase] = [
        // L: the last day, including February 29 in a leap year.
        CronFireCase("0 0 12 L * *", after: "2028-02-01T00:00:00Z",
                     ["2028-02-29T12:00:00Z", "2028-03-31T12:00:00Z", "2028-04-30T12:00:00Z"]),
        CronFireCase("0 0 12 L 2 *", after: start, ["2026-02-28T12:00:00Z", "2027-02-28T12:00:00Z", "2028-02-29T12:00:00Z"]),
        // L-3: three days before the last.
        CronFireCase("0 0 12 L-3 * *", after: start, ["2026-01-28T12:00:00Z", "2026-02-25T12:00:00Z", "2026-03-28T12:00:00Z"]),
        // 15W: Sunday 15 Feb and 15 Mar 2026 → Monday 16th; Saturday 15 Aug 2026 → Friday 14th.
        CronFireCase("0 0 12 15W * *", after: "2026-02-01T00:00:00Z",
                     ["2026-02-16T12:00:00Z", "2026-03-16T12:00:00Z", "2026-04-15T12:00:00Z"]),
        CronFireCase("0 0 12 15W * *", after: "2026-08-01T00:00:00Z", ["2026-08-14T12:00:00Z", "2026-09-15T12:00:00Z"]),
        // 1W: Saturday 1 Aug 2026 → Monday 3rd (never back into July); Sunday 1 Feb → Monday 2nd.
        CronFireCase("0 0 12 1W * *", after: "2026-07-15T00:00:00Z", ["2026-08-03T12:00:00Z", "2026-09-01T12:00:00Z"]),
        CronFireCase("0 0 12 1W * *", after: "2026-01-15T00:00:00Z",
                     ["2026-02-02T12:00:00Z", "2026-03-02T12:00:00Z", "2026-04-01T12:00:00Z"]),
        // 31W: months without a 31st are skipped; Sunday 31 May → Friday 29th; 31 Jul is a Friday.
        CronFireCase("0 0 12 31W * *", after: "2026-04-01T00:00:00Z",
                     ["2026-05-29T12:00:00Z", "2026-07-31T12:00:00Z", "2026-08-31T12:00:00Z"]),
        // LW: the last Monday–Friday day: Sat 31 Jan → Fri 30th; Sat 28 Feb → Fri 27th; Tue 31 Mar.
        CronFireCase("0 0 12 LW * *", after: start, ["2026-01-30T12:00:00Z", "2026-02-27T12:00:00Z", "2026-03-31T12:00:00Z"]),
        CronFireCase("0 0 12 LW 5 *", after: start, ["2026-05-29T12:00:00Z"]),
        // 5L / FRIL: the last Friday.
        CronFireCase("0 0 12 * * 5L", after: start, ["2026-01-30T12:00:00Z", "2026-02-27T12:00:00Z", "2026-03-27T12:00:00Z"]),
        CronFireCase("0 0 12 ? * fril", after: start, ["2026-01-30T12:00:00Z", "2026-02-27T12:00:00Z", "2026-03-27T12:00:00Z"]),
        // L alone in the day-of-week field is Saturday (Quartz).
        CronFireCase("0 0 12 ? * L", after: start, ["2026-01-03T12:00:00Z", "2026-01-10T12:00:00Z"]),
        // #: the second Monday; the fifth Monday skips months without one (2026: Mar, Jun, Aug).
        CronFireCase("0 0 12 * * MON#2", after: start, ["2026-01-12T12:00:00Z", "2026-02-09T12:00:00Z", "2026-03-09T12:00:00Z"]),
        CronFireCase("0 0 12 * * MON#5", after: start, ["2026-03-30T12:00:00Z", "2026-06-29T12:00:00Z", "2026-08-31T12:00:00Z"]),
        CronFireCase("0 0 12 * * 1#5", after: start, ["2026-03-30T12:00:00Z", "2026-06-29T12:00:00Z", "2026-08-31T12:00:00Z"]),
        // Day of month and day of week both restricted: OR. Fridays 2, 9, 16 and Tuesday 13 Jan.
        CronFireCase("0 0 12 13 * FRI", after: start,
                     ["2026-01-02T12:00:00Z", "2026-01-09T12:00:00Z", "2026-01-13T12:00:00Z", "2026-01-16T12:00:00Z"]),
        CronFireCase("0 0 12 1,L * MON#1", after: "2026-01-02T00:00:00Z",
                     ["2026-01-05T12:00:00Z", "2026-01-31T12:00:00Z", "2026-02-01T12:00:00Z", "2026-02-02T12:00:00Z"]),
        // A stepped day of month is restricted too (only a bare * or ? is not).
        CronFireCase("0 0 12 */10 * SUN", after: start,
                     ["2026-01-01T12:00:00Z", "2026-01-04T12:00:00Z", "2026-01-11T12:00:00Z", "2026-01-18T12:00:00Z",
                      "2026-01-21T12:00:00Z", "2026-01-25T12:00:00Z", "2026-01-31T12:00:00Z"]),
        // February 29: leap years only (2100 is not one).
        CronFireCase("0 0 0 29 2 *", after: start, ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]),
        CronFireCase("0 0 0 29 2 *", after: "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00Z"]),
        CronFireCase("0 0 0 29 2 ? 2028", after: start, ["2028-02-29T00:00:00Z"], ends: true),
        // Quartz numbering: 1 = Sunday … 7 = Saturday. 6#3 is the third Friday, 7L the last Saturday.
        CronFireCase("0 0 12 ? * 6#3", after: start,
                     ["2026-01-16T12:00:00Z", "2026-02-20T12:00:00Z", "2026-03-20T12:00:00Z"], numbering: .quartz),
        CronFireCase("0 0 12 ? * 1", after: start, ["2026-01-04T12:00:00Z", "2026-01-11T12:00:00Z"], numbering: .quartz),
        CronFireCase("0 0 12 ? * 2-6", after: start,
                     ["2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z", "2026-01-05T12:00:00Z"], numbering: .quartz),
        CronFireCase("0 0 12 ? * 7L", after: start,
                     ["2026-01-31T12:00:00Z", "2026-02-28T12:00:00Z", "2026-03-28T12:00:00Z"], numbering: .quartz),
        CronFireCase("0 0 12 ? * MON", after: start, ["2026-01-05T12:00:00Z"], numbering: .quartz),
        // The same text in POSIX numbering: 6#3 is the third Saturday.
        CronFireCase("0 0 12 ? * 6#3", after: start, ["2026-01-17T12:00:00Z", "2026-02-21T12:00:00Z", "2026-03-21T12:00:00Z"]),
    ]

    @Test(arguments: cases)
    func nextFires(_ row: CronFireCase) throws {
        try row.verify()
    }
}
