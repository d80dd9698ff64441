import StewardJobs
import Testing

/// Exact next fires for every field form, in UTC. 2026-01-01 is a Thursday.
@Suite("Cron field forms", .timeLimit(.minutes(1)))
struct CronFieldFormTests {
    static let start = "2026-01-01T00:00:00Z"

    static let cases: [CronFireCase] = [
        // Six fields: seconds first; steps from *.
        CronFireCase("*/30 * * * * *", after: start, ["2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z", "2026-01-01T00:01:30Z"]),
        // Strictly after: a fractional instant and an instant exactly on a fire.
        CronFireCase("*/30 * * * * *", after: "2026-01-01T00:00:29.5Z", ["2026-01-01T00:00:30Z"]),
        CronFireCase("*/30 * * * * *", after: "2026-01-01T00:00:30Z", ["2026-01-01T00:01:00Z"]),
        // Five fields: the second is 0.
        CronFireCase("* * * * *", after: "2026-01-01T00:00:10Z", ["2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"]),
        CronFireCase("15 10 * * *", after: start, ["2026-01-01T10:15:00Z", "2026-01-02T10:15:00Z"]),
        // Ranges with steps, and a start with a step running to the end of the field.
        CronFireCase("0 10-40/5 * * * *", after: "2026-01-01T00:38:00Z",
                     ["2026-01-01T00:40:00Z", "2026-01-01T01:10:00Z", "2026-01-01T01:15:00Z"]),
        CronFireCase("5/10 * * * * *", after: "2026-01-01T00:00:50Z",
                     ["2026-01-01T00:00:55Z", "2026-01-01T00:01:05Z", "2026-01-01T00:01:15Z"]),
        CronFireCase("0 0 9-17/4 * * *", after: "2026-01-01T10:00:00Z",
                     ["2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z", "2026-01-02T09:00:00Z"]),
        CronFireCase("0 0 */7 * * *", after: "2026-01-01T21:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-02T07:00:00Z"]),
        // Lists.
        CronFireCase("0 0,30 8,20 * * *", after: "2026-01-01T08:10:00Z",
                     ["2026-01-01T08:30:00Z", "2026-01-01T20:00:00Z", "2026-01-01T20:30:00Z", "2026-01-02T08:00:00Z"]),
        CronFireCase("0 0 0 1 */3 *", after: start, ["2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z"]),
        CronFireCase("0 0 0 1 1 *", after: "2026-12-31T23:59:59Z", ["2027-01-01T00:00:00Z"]),
        // Month and weekday names, any case.
        CronFireCase("0 0 12 1 jan,Jul *", after: "2026-01-01T12:00:00Z", ["2026-07-01T12:00:00Z", "2027-01-01T12:00:00Z"]),
        CronFireCase("0 0 9 * * mon-WED", after: start,
                     ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z", "2026-01-12T09:00:00Z"]),
        CronFireCase("0 0 12 * FEB-MAR/1 SUN", after: start, ["2026-02-01T12:00:00Z", "2026-02-08T12:00:00Z"]),
        // Day-of-week numbers: 0 and 7 are Sunday; 5-7 is Friday to Sunday; FRI-SUN too.
        CronFireCase("0 0 9 * * 0", after: start, ["2026-01-04T09:00:00Z", "2026-01-11T09:00:00Z"]),
        CronFireCase("0 0 9 * * 7", after: start, ["2026-01-04T09:00:00Z", "2026-01-11T09:00:00Z"]),
        CronFireCase("0 0 9 * * 5-7", after: start,
                     ["2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z", "2026-01-09T09:00:00Z"]),
        CronFireCase("0 0 9 * * FRI-SUN", after: start,
                     ["2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z", "2026-01-09T09:00:00Z"]),
        // `?` is `*`.
        CronFireCase("0 0 9 ? * MON", after: start, ["2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"]),
        CronFireCase("0 0 9 1 * ?", after: start, ["2026-01-01T09:00:00Z", "2026-02-01T09:00:00Z"]),
        CronFireCase("0 0 9 ? * ?", after: start, ["2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z"]),
        // Seven fields: a year list, a stepped year range; the schedule ends with the last year.
        CronFireCase("0 0 0 1 1 ? 2027,2029", after: start, ["2027-01-01T00:00:00Z", "2029-01-01T00:00:00Z"], ends: true),
        CronFireCase("0 0 0 29 2 ? 2026-2040/2", after: start,
                     ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z", "2040-02-29T00:00:00Z"], ends: true),
        CronFireCase("0 0 0 1 1 ? 2020", after: start, [], ends: true),
        // Time zone without daylight saving: the fields are Tokyo wall-clock time.
        CronFireCase("0 0 9 * * *", zone: "Asia/Tokyo", after: start, ["2026-01-02T09:00:00+09:00", "2026-01-03T09:00:00+09:00"]),
        // Macros.
        CronFireCase("@yearly", after: start, ["2027-01-01T00:00:00Z"]),
        CronFireCase("@annually", after: start, ["2027-01-01T00:00:00Z"]),
        CronFireCase("@monthly", after: start, ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"]),
        CronFireCase("@weekly", after: start, ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        CronFireCase("@daily", after: start, ["2026-01-02T00:00:00Z"]),
        CronFireCase("@midnight", after: start, ["2026-01-02T00:00:00Z"]),
        CronFireCase("@HOURLY", after: start, ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]),
    ]

    @Test(arguments: cases)
    func nextFires(_ row: CronFireCase) throws {
        try row.verify()
    }
}
