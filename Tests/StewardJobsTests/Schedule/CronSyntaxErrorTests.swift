import StewardJobs
import Testing

/// Parse errors name the field and the 1-based column of the problem.
@Suite("Cron syntax errors", .timeLimit(.minutes(1)))
struct CronSyntaxErrorTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var text: String
        var message: String
        var numbering: CronExpression.DayOfWeekNumbering = .posix
        var testDescription: String { text.isEmpty ? "(empty)" : text }
    }

    static let rows: [Row] = [
        Row(text: "10 15 25 * * *", message: "field 3 (hour) at column 7: 25 is out of range 0–23"),
        Row(text: "0 60 * * *", message: "field 2 (hour) at column 3: 60 is out of range 0–23"),
        Row(text: "60 * * * *", message: "field 1 (minute) at column 1: 60 is out of range 0–59"),
        Row(text: "0 5x * * * *", message: "field 2 (minute) at column 4: unexpected \"X\""),
        Row(text: "0 40-10 * * * *", message: "field 2 (minute) at column 6: range 40-10 runs backwards (list both parts instead, e.g. 40-59,0-10)"),
        Row(text: "0 */0 * * * *", message: "field 2 (minute) at column 5: step 0 is out of range 1–60"),
        Row(text: "0 */ * * * *", message: "field 2 (minute) at column 5: expected a number (step), found the end"),
        Row(text: "0 0 MON * * *", message: "field 3 (hour) at column 5: unexpected \"MON\" (the hour field takes numbers)"),
        Row(text: "0 0 12 0 * *", message: "field 4 (day of month) at column 8: 0 is out of range 1–31"),
        Row(text: "0 0 12 1,,2 * *", message: "field 4 (day of month) at column 10: empty list item"),
        Row(text: "0 0 12 W * *", message: "field 4 (day of month) at column 8: W needs a day before it, e.g. 15W (or LW for the last weekday)"),
        Row(text: "0 0 12 32W * *", message: "field 4 (day of month) at column 8: day 32 is out of range 1–31"),
        Row(text: "0 0 12 L-31 * *", message: "field 4 (day of month) at column 10: offset 31 is out of range 0–30"),
        Row(text: "0 0 12 * FOO *", message: "field 5 (month) at column 10: unknown name \"FOO\" (use JAN–DEC)"),
        Row(text: "0 0 12 * 13 *", message: "field 5 (month) at column 10: 13 is out of range 1–12"),
        Row(text: "0 0 12 * * 8", message: "field 6 (day of week) at column 12: 8 is out of range 0–7"),
        Row(text: "0 0 12 * * MON-", message: "field 6 (day of week) at column 16: expected a number, found the end"),
        Row(text: "0 0 12 * * MON#x", message: "field 6 (day of week) at column 16: expected a number (occurrence), found \"X\""),
        Row(text: "0 0 12 * * MON#0", message: "field 6 (day of week) at column 16: occurrence 0 is out of range 1–99"),
        Row(text: "0 0 12 * * SAT-MON", message: "field 6 (day of week) at column 16: range 6-1 runs backwards (list both parts instead, e.g. 6-7,0-1)"),
        Row(text: "0 0 12 ? * 0", message: "field 6 (day of week) at column 12: 0 is out of range 1–7", numbering: .quartz),
        Row(text: "0 0 0 1 1 ? 1969", message: "field 7 (year) at column 13: 1969 is out of range 1970–2399"),
        Row(text: "* * *", message: "at column 6: expected 5, 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), found 3"),
        Row(text: "* * * * * * * *", message: "at column 15: expected 5, 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), found 8"),
        Row(text: "", message: "at column 1: the expression is empty"),
        Row(text: "@often", message: "at column 1: unknown macro @often (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"),
        Row(text: "@daily 5", message: "at column 8: a macro stands alone; found more after @daily"),
    ]

    @Test(arguments: rows)
    func reportsFieldAndColumn(_ row: Row) throws {
        let zone = try TestTime.zone("UTC")
        do {
            _ = try CronExpression(row.text, zone: zone, options: .init(dayOfWeekNumbering: row.numbering))
            Issue.record("\(row.text) parsed; expected: \(row.message)")
        } catch {
            #expect(error.description == row.message)
            #expect(error.text == row.text)
        }
    }

    @Test func errorCarriesItsParts() throws {
        let zone = try TestTime.zone("UTC")
        do {
            _ = try CronExpression("10 15 25 * * *", zone: zone)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == .hour)
            #expect(error.fieldNumber == 3)
            #expect(error.column == 7)
            #expect(error.reason == "25 is out of range 0–23")
        }
    }
}
