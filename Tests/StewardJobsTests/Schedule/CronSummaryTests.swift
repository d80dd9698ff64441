import StewardJobs
import Testing

/// Expressions in words and their descriptions.
@Suite("Cron summaries", .timeLimit(.minutes(1)))
struct CronSummaryTests {
    @Test(arguments: [
        ("0 30 2 * * *", "at 02:30, every day"),
        ("15 30 2 * * *", "at 02:30:15, every day"),
        ("0 */30 * * * *", "every 30 minutes, every day"),
        ("*/30 * * * * *", "every 30 seconds, every day"),
        ("30 * * * * *", "at second 30, every minute, every day"),
        ("* * * * *", "every minute, every day"),
        ("0 * * * *", "at :00 every hour, every day"),
        ("* * * * * *", "every second, every day"),
        ("0 15 */2 * * MON-FRI", "at :15 every 2 hours, on MON-FRI"),
        ("0 0 12 L 2 *", "at 12:00, on day L of the month, in 2"),
        ("0 0 12 13 * FRI", "at 12:00, on day 13 of the month or on FRI"),
        ("0 0,30 9-17 * * *", "at minutes 0,30, during hours 9-17, every day"),
        ("0 0 0 1 1 ? 2030", "at 00:00, on day 1 of the month, in 1, in 2030"),
        ("@hourly", "at :00 every hour, every day"),
    ])
    func summary(_ text: String, _ words: String) throws {
        #expect(try CronExpression(text, zone: TestTime.zone("UTC")).summary == words)
    }

    @Test func description() throws {
        #expect(try CronExpression("0 30 2 * * *", zone: TestTime.zone("America/New_York")).description
                == "cron \"0 30 2 * * *\" in America/New_York")
    }
}
