/// The day-of-month and day-of-week fields of a cron expression, combined into the set of days of
/// one month that match.
///
/// When both fields are restricted (neither is exactly `*` or `?`) a day matches if **either**
/// matches (POSIX cron); when one is restricted only it counts; when neither is, every day matches.
struct CronDays: Hashable, Sendable {
    /// One occurrence of a weekday in a month: `weekday#occurrence` (`MON#2`).
    struct NthWeekday: Hashable, Sendable {
        /// 0 = Sunday … 6 = Saturday.
        var weekday: Int
        /// 1 = first; occurrences past the month's last never match.
        var occurrence: Int
    }

    /// Whether the day-of-month field is anything but `*` or `?`.
    var dayOfMonthRestricted = false
    /// Whether the day-of-week field is anything but `*` or `?`.
    var dayOfWeekRestricted = false

    /// Plain days of the month: bit n set for day n (1…31).
    var monthDays: UInt64 = 0
    /// `L-n`: bit n set for "n days before the last day" (`L` is n = 0).
    var daysBeforeLast: UInt64 = 0
    /// `nW`: bit n set for "the weekday nearest day n", within the month.
    var nearestWeekdays: UInt64 = 0
    /// `LW`: the last weekday (Monday–Friday) of the month.
    var lastWeekdayOfMonth = false

    /// Plain weekdays: bit w set for weekday w (0 = Sunday).
    var weekdays: UInt64 = 0
    /// `wL`: bit w set for "the last weekday w of the month".
    var lastOfWeekdays: UInt64 = 0
    /// `w#k` entries.
    var nthWeekdays: [NthWeekday] = []

    /// Bit d set for each matching day d of `month` in `year`.
    func mask(year: Int, month: Int) -> UInt64 {
        let length = CivilTime.daysInMonth(year: year, month: month)
        let allDays: UInt64 = ((1 << UInt64(length)) - 1) << 1
        guard dayOfMonthRestricted || dayOfWeekRestricted else { return allDays }
        let firstWeekday = CivilTime.weekday(dayNumber: CivilTime.dayNumber(year: year, month: month, day: 1))
        var days: UInt64 = 0
        if dayOfMonthRestricted { days |= dayOfMonthMask(length: length, firstWeekday: firstWeekday) }
        if dayOfWeekRestricted { days |= dayOfWeekMask(length: length, firstWeekday: firstWeekday) }
        return days & allDays
    }

    private func dayOfMonthMask(length: Int, firstWeekday: Int) -> UInt64 {
        var days = monthDays
        for offset in daysBeforeLast.setBits where length - offset >= 1 {
            days |= 1 << UInt64(length - offset)
        }
        for day in nearestWeekdays.setBits where day <= length {
            days |= 1 << UInt64(Self.nearestWeekday(to: day, length: length, firstWeekday: firstWeekday))
        }
        if lastWeekdayOfMonth {
            days |= 1 << UInt64(Self.nearestWeekday(to: length, length: length, firstWeekday: firstWeekday))
        }
        return days
    }

    private func dayOfWeekMask(length: Int, firstWeekday: Int) -> UInt64 {
        var days: UInt64 = 0
        for weekday in weekdays.setBits {
            var day = 1 + (weekday - firstWeekday + 7) % 7
            while day <= length {
                days |= 1 << UInt64(day)
                day += 7
            }
        }
        let lastWeekday = (firstWeekday + length - 1) % 7
        for weekday in lastOfWeekdays.setBits {
            days |= 1 << UInt64(length - (lastWeekday - weekday + 7) % 7)
        }
        for nth in nthWeekdays {
            let day = 1 + (nth.weekday - firstWeekday + 7) % 7 + 7 * (nth.occurrence - 1)
            if day <= length { days |= 1 << UInt64(day) }
        }
        return days
    }

    /// The Monday–Friday day nearest `day` without leaving the month: a Saturday moves back to
    /// Friday (forward to Monday the 3rd when it is the 1st), a Sunday forward to Monday (back to
    /// Friday when it is the last day).
    static func nearestWeekday(to day: Int, length: Int, firstWeekday: Int) -> Int {
        switch (firstWeekday + day - 1) % 7 {
        case 6: day == 1 ? 3 : day - 1
        case 0: day == length ? day - 2 : day + 1
        default: day
        }
    }
}

extension UInt64 {
    /// The lowest set bit at index `index` or above.
    func firstSetBit(atLeast index: Int) -> Int? {
        guard index < 64 else { return nil }
        let shifted = self >> UInt64(Swift.max(index, 0))
        return shifted == 0 ? nil : Swift.max(index, 0) + shifted.trailingZeroBitCount
    }

    /// Indices of the set bits, lowest first.
    var setBits: [Int] {
        var bits = self, indices: [Int] = []
        while bits != 0 {
            indices.append(bits.trailingZeroBitCount)
            bits &= bits - 1
        }
        return indices
    }
}
