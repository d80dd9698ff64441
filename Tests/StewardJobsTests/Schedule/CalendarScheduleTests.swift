import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// The calendar presets: exact fires, descriptions, their cron text, and rejected values.
@Suite("Calendar presets", .timeLimit(.minutes(1)))
struct CalendarScheduleTests {
    /// Checks `schedule`'s fires after `after`, and that its cron text parses to the same fires.
    func expectFires(_ schedule: CalendarSchedule, after: String, _ expected: [String]) throws {
        let start = try TestTime.instant(after)
        let fires = schedule.fires(after: start, limit: expected.count)
        #expect(fires == (try expected.map(TestTime.instant)),
                "\(schedule): \(fires.map { TestTime.text($0, schedule.zone) })")
        let reparsed = try CronExpression(schedule.cron.text, zone: schedule.zone)
        #expect(reparsed.fires(after: start, limit: expected.count) == fires, "\(schedule.cron.text)")
    }

    @Test func hourly() throws {
        let schedule = try CalendarSchedule.hourly(atMinute: 15, zone: try TestTime.zone("Europe/Berlin"))
        #expect(schedule.description == "hourly at :15 (Europe/Berlin)")
        #expect(schedule.cron.text == "0 15 * * * *")
        try expectFires(schedule, after: "2026-01-01T00:20:00+01:00", ["2026-01-01T01:15:00+01:00", "2026-01-01T02:15:00+01:00"])
        let withSecond = try CalendarSchedule.hourly(atMinute: 0, second: 30, zone: try TestTime.zone("UTC"))
        #expect(withSecond.description == "hourly at :00:30 (\(TestTime.utcName))")
    }

    @Test func dailyAcrossTheSpringGap() throws {
        let schedule = CalendarSchedule.daily(at: try TimeOfDay(hour: 2, minute: 30), zone: try TestTime.zone("America/New_York"))
        #expect(schedule.description == "daily at 02:30 (America/New_York)")
        try expectFires(schedule, after: "2026-03-07T12:00:00-05:00", ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"])
    }

    @Test func weekdays() throws {
        let schedule = CalendarSchedule.weekdays(at: try TimeOfDay(parsing: "09:00"), zone: try TestTime.zone("UTC"))
        #expect(schedule.description == "weekdays (Mon–Fri) at 09:00 (\(TestTime.utcName))")
        // Friday 2 January 2026, then Monday the 5th.
        try expectFires(schedule, after: "2026-01-01T10:00:00Z", ["2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"])
    }

    @Test func weekly() throws {
        let schedule = try CalendarSchedule.weekly(on: [.friday, .monday, .wednesday], at: try TimeOfDay(hour: 18, minute: 30),
                                                   zone: try TestTime.zone("UTC"))
        #expect(schedule.description == "weekly on Mon, Wed, Fri at 18:30 (\(TestTime.utcName))")
        #expect(schedule.cron.text == "0 30 18 * * MON,WED,FRI")
        try expectFires(schedule, after: "2026-01-01T00:00:00Z", ["2026-01-02T18:30:00Z", "2026-01-05T18:30:00Z", "2026-01-07T18:30:00Z"])
        #expect(throws: ScheduleError.self) { try CalendarSchedule.weekly(on: [], at: try TimeOfDay(hour: 1), zone: .gmt) }
    }

    @Test func monthlyOnADay() throws {
        let schedule = try CalendarSchedule.monthly(onDay: 31, at: try TimeOfDay(hour: 3), zone: try TestTime.zone("UTC"))
        #expect(schedule.description == "monthly on day 31 at 03:00 (\(TestTime.utcName))")
        // Months without a 31st are skipped.
        try expectFires(schedule, after: "2026-01-31T12:00:00Z", ["2026-03-31T03:00:00Z", "2026-05-31T03:00:00Z"])
        #expect(throws: ScheduleError.self) { try CalendarSchedule.monthly(onDay: 32, at: try TimeOfDay(hour: 1), zone: .gmt) }
    }

    @Test func monthlyOnTheLastDay() throws {
        let schedule = CalendarSchedule.monthlyOnLastDay(at: try TimeOfDay(hour: 23, minute: 0, second: 5), zone: try TestTime.zone("UTC"))
        #expect(schedule.description == "monthly on the last day at 23:00:05 (\(TestTime.utcName))")
        try expectFires(schedule, after: "2028-02-01T00:00:00Z", ["2028-02-29T23:00:05Z", "2028-03-31T23:00:05Z"])
    }

    @Test func monthlyOnTheNthWeekday() throws {
        let secondTuesday = try CalendarSchedule.monthly(2, .tuesday, at: try TimeOfDay(hour: 10), zone: try TestTime.zone("Europe/Berlin"))
        #expect(secondTuesday.description == "monthly on the 2nd Tuesday at 10:00 (Europe/Berlin)")
        #expect(secondTuesday.cron.text == "0 0 10 * * TUE#2")
        try expectFires(secondTuesday, after: "2026-01-01T00:00:00Z", ["2026-01-13T10:00:00+01:00", "2026-02-10T10:00:00+01:00"])
        // A fifth Monday skips the months without one (2026: March, June, August).
        let fifthMonday = try CalendarSchedule.monthly(5, .monday, at: try TimeOfDay(hour: 8), zone: try TestTime.zone("UTC"))
        try expectFires(fifthMonday, after: "2026-01-01T00:00:00Z", ["2026-03-30T08:00:00Z", "2026-06-29T08:00:00Z", "2026-08-31T08:00:00Z"])
        let lastFriday = CalendarSchedule.monthly(last: .friday, at: try TimeOfDay(hour: 17), zone: try TestTime.zone("UTC"))
        #expect(lastFriday.description == "monthly on the last Friday at 17:00 (\(TestTime.utcName))")
        try expectFires(lastFriday, after: "2026-01-01T00:00:00Z", ["2026-01-30T17:00:00Z", "2026-02-27T17:00:00Z"])
        #expect(throws: ScheduleError.self) { try CalendarSchedule.monthly(6, .monday, at: try TimeOfDay(hour: 1), zone: .gmt) }
        #expect(throws: ScheduleError.self) { try CalendarSchedule.monthly(0, .monday, at: try TimeOfDay(hour: 1), zone: .gmt) }
    }

    @Test func timeOfDayValidation() throws {
        #expect(try TimeOfDay(parsing: "9:05").description == "09:05")
        #expect(try TimeOfDay(parsing: "23:59:59").description == "23:59:59")
        for bad in ["24:00", "12:60", "12", "12:5", "aa:bb", "12:00:00:00", ""] {
            #expect(throws: ScheduleError.self, "\(bad)") { try TimeOfDay(parsing: bad) }
        }
        #expect(throws: ScheduleError.self) { try TimeOfDay(hour: 1, minute: 0, second: 60) }
        #expect(throws: ScheduleError.self) { try CalendarSchedule.hourly(atMinute: 60, zone: .gmt) }
    }

    @Test func weekdayOfAnInstant() throws {
        let instant = try TestTime.instant("2026-03-08T03:30:00Z")
        #expect(Weekday(of: instant, in: try TestTime.zone("UTC")) == .sunday)
        #expect(Weekday(of: instant, in: try TestTime.zone("America/New_York")) == .saturday)
        #expect(Weekday.saturday.abbreviation == "Sat")
    }
}
