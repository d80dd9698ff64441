/// Proleptic Gregorian wall-clock arithmetic on plain integers, without `Calendar` (slow on Linux).
///
/// A *local second* is a count of wall-clock seconds since 1970-01-01 00:00:00 of some zone's
/// clock, as if that clock never jumped; a *day number* counts days since 1970-01-01. The date
/// conversions are Howard Hinnant's `days_from_civil` / `civil_from_days`.
struct CivilTime: Hashable, Sendable {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0

    /// A wall-clock time; fields must already be in range.
    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The wall-clock time `localSeconds` seconds after 1970-01-01 00:00:00.
    init(localSeconds: Int) {
        let days = Self.floorDivide(localSeconds, 86_400)
        let secondOfDay = localSeconds - days * 86_400
        (year, month, day) = Self.date(dayNumber: days)
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
    }

    /// Local seconds of this wall-clock time.
    var localSeconds: Int {
        dayNumber * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// Days since 1970-01-01 of this date.
    var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// Day of the week of this date, 0 = Sunday … 6 = Saturday.
    var weekday: Int { Self.weekday(dayNumber: dayNumber) }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day number.
    static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = dayNumber + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Day of the week of a day number, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(dayNumber: Int) -> Int {
        (dayNumber % 7 + 11) % 7
    }

    /// Whether `year` has a February 29.
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in a month (1…12) of a year.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Division rounding toward negative infinity.
    static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
