import StewardCLI
import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// `steward cron`: argument parsing, errors, and the printed fires for a fixed "now".
@Suite("steward cron", .timeLimit(.minutes(1)))
struct CronCommandTests {
    let utc = Zone.utc

    func instant(_ text: String) throws -> Date { try InstantText.parse(text, zone: utc) }

    func parseError(_ arguments: [String]) -> String? {
        do {
            _ = try CronCommand.parse(arguments, defaultZone: utc)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func printsTheNextFiresWithOffsetWeekdayAndDistance() throws {
        let options = try CronCommand.parse(["0 30 2 * * *", "--zone", "America/New_York", "--next", "3"], defaultZone: utc)
        let report = CronCommand.report(options, now: try instant("2026-03-07T12:00:00-05:00"))
        #expect(report.exitCode == 0)
        #expect(report.errors.isEmpty)
        #expect(report.output == [
            "0 30 2 * * * (America/New_York): at 02:30, every day",
            "2026-03-08T03:00:00-04:00  Sun  (in 14h)",
            "2026-03-09T02:30:00-04:00  Mon  (in 1d 13h)",
            "2026-03-10T02:30:00-04:00  Tue  (in 2d 13h)",
        ])
    }

    @Test func afterSetsWhereTheListStarts() throws {
        let options = try CronCommand.parse(["0 */30 1 * * *", "--zone=America/New_York", "-n", "4", "--after", "2026-11-01T00:00:00-04:00"],
                                            defaultZone: utc)
        let report = CronCommand.report(options, now: try instant("2026-10-31T12:00:00-04:00"))
        #expect(report.output == [
            "0 */30 1 * * * (America/New_York): every 30 minutes, during hour 1, every day",
            "2026-11-01T01:00:00-04:00  Sun  (in 13h)",
            "2026-11-01T01:30:00-04:00  Sun  (in 13h 30m)",
            "2026-11-01T01:00:00-05:00  Sun  (in 14h)",
            "2026-11-01T01:30:00-05:00  Sun  (in 14h 30m)",
        ])
        let past = CronCommand.report(options, now: try instant("2026-11-02T00:00:00-05:00"))
        #expect(past.output[1] == "2026-11-01T01:00:00-04:00  Sun  (1d ago)")
    }

    @Test func defaultsToFiveFiresInTheDefaultZone() throws {
        let options = try CronCommand.parse(["@daily"], defaultZone: utc)
        #expect(options.count == 5)
        #expect(options.after == nil)
        let report = CronCommand.report(options, now: try instant("2026-01-01T00:00:00Z"))
        #expect(report.output.count == 6)
        #expect(report.output.last == "2026-01-06T00:00:00+00:00  Tue  (in 5d)")
    }

    @Test func quartzNumberingAndJoinedWords() throws {
        let quartz = try CronCommand.parse(["--quartz", "0 0 12 ? * 6#3", "--next", "1"], defaultZone: utc)
        #expect(CronCommand.report(quartz, now: try instant("2026-01-01T00:00:00Z")).output[1] == "2026-01-16T12:00:00+00:00  Fri  (in 15d 12h)")
        let joined = try CronCommand.parse(["0", "0", "12", "*", "*", "*"], defaultZone: utc)
        #expect(joined.expression.text == "0 0 12 * * *")
    }

    @Test func impossibleExpressionExitsOne() throws {
        let options = try CronCommand.parse(["0 0 0 30 2 *"], defaultZone: utc)
        let report = CronCommand.report(options, now: try instant("2026-01-01T00:00:00Z"))
        #expect(report.exitCode == 1)
        #expect(report.output.isEmpty)
        #expect(report.errors == ["cron: 0 0 0 30 2 * never fires: no date matches it (e.g. February 30th, or a 6th Monday)"])
    }

    @Test func scheduleThatEndsSaysSo() throws {
        let options = try CronCommand.parse(["0 0 0 1 1 ? 2027", "--next", "3"], defaultZone: utc)
        let report = CronCommand.report(options, now: try instant("2026-01-01T00:00:00Z"))
        #expect(report.exitCode == 0)
        #expect(Array(report.output.dropFirst()) == ["2027-01-01T00:00:00+00:00  Fri  (in 365d)", "no further fires"])
        let over = CronCommand.report(options, now: try instant("2027-06-01T00:00:00Z"))
        #expect(over.output.last == "no fires after 2027-06-01T00:00:00+00:00: the year field has ended")
    }

    @Test func errorsAreCommandLineErrors() {
        #expect(parseError([]) == "cron: no expression given (usage: steward cron 'EXPR' [--zone Z] [--next N] [--after T] [--quartz])")
        #expect(parseError(["10 15 25 * * *"]) == "cron: invalid expression \"10 15 25 * * *\": field 3 (hour) at column 7: 25 is out of range 0–23")
        #expect(parseError(["@daily", "--zone", "Nowhere/City"])
                == "cron: --zone: unknown time zone \"Nowhere/City\" (use an IANA name such as Europe/Berlin or UTC)")
        #expect(parseError(["@daily", "--next", "0"]) == "cron: --next must be a whole number from 1 to 10000, not \"0\"")
        #expect(parseError(["@daily", "--next", "many"]) == "cron: --next must be a whole number from 1 to 10000, not \"many\"")
        #expect(parseError(["@daily", "--next"]) == "cron: --next needs a value")
        #expect(parseError(["@daily", "--after", "yesterday"])?.hasPrefix("cron: --after: invalid instant \"yesterday\" at position 0") == true)
        #expect(parseError(["@daily", "--bogus"])?.hasPrefix("cron: unknown option --bogus") == true)
    }
}
