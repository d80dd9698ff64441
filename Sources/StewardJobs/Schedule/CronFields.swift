/// The parsed fields of a cron expression and the search for the next matching wall-clock time.
///
/// The search jumps field by field (year, month, day, hour, minute, second), never second by
/// second, and is bounded: with no year field it looks at most 400 years ahead, a whole cycle of
/// the Gregorian calendar (146 097 days, a whole number of weeks), so a time that matches nothing
/// in that window matches nothing ever.
struct CronFields: Hashable, Sendable {
    /// Bit s set for each matching second (0…59).
    var seconds: UInt64 = 1
    /// Bit m set for each matching minute (0…59).
    var minutes: UInt64 = 1
    /// Bit h set for each matching hour (0…23).
    var hours: UInt64 = 1
    /// Bit m set for each matching month (1…12).
    var months: UInt64 = 0b1_1111_1111_1110
    /// The days (day of month, day of week, and how they combine).
    var days = CronDays()
    /// Matching years, ascending; `nil` for any year.
    var years: [Int]?

    /// The Gregorian calendar repeats after this many years.
    static let cycleYears = 400

    /// Whether the seconds, minutes and hours each hold a single value: one wall-clock time a day.
    var isFixedTime: Bool {
        seconds.nonzeroBitCount == 1 && minutes.nonzeroBitCount == 1 && hours.nonzeroBitCount == 1
    }

    /// The first matching wall-clock time at or after `start` (local seconds) and before `limit`
    /// when given; `nil` when there is none within the bounded search.
    func nextMatch(from start: Int, before limit: Int? = nil) -> Int? {
        var time = CivilTime(localSeconds: start)
        let lastYear = years?.last ?? time.year + Self.cycleYears
        while true {
            if let limit, time.localSeconds >= limit { return nil }
            guard time.year <= lastYear else { return nil }
            if let years, !years.contains(time.year) {
                guard let year = years.first(where: { $0 > time.year }) else { return nil }
                time = CivilTime(year: year, month: 1, day: 1)
                continue
            }
            guard let month = months.firstSetBit(atLeast: time.month) else {
                time = CivilTime(year: time.year + 1, month: 1, day: 1)
                continue
            }
            if month != time.month {
                time = CivilTime(year: time.year, month: month, day: 1)
                continue
            }
            guard let day = days.mask(year: time.year, month: time.month).firstSetBit(atLeast: time.day) else {
                time = time.month == 12
                    ? CivilTime(year: time.year + 1, month: 1, day: 1)
                    : CivilTime(year: time.year, month: time.month + 1, day: 1)
                continue
            }
            if day != time.day {
                time = CivilTime(year: time.year, month: time.month, day: day)
            }
            guard let hour = hours.firstSetBit(atLeast: time.hour) else {
                time = CivilTime(localSeconds: (time.dayNumber + 1) * 86_400)
                continue
            }
            if hour != time.hour { (time.hour, time.minute, time.second) = (hour, 0, 0) }
            guard let minute = minutes.firstSetBit(atLeast: time.minute) else {
                time = CivilTime(localSeconds: time.localSeconds - time.minute * 60 - time.second + 3_600)
                continue
            }
            if minute != time.minute { (time.minute, time.second) = (minute, 0) }
            guard let second = seconds.firstSetBit(atLeast: time.second) else {
                time = CivilTime(localSeconds: time.localSeconds - time.second + 60)
                continue
            }
            time.second = second
            let match = time.localSeconds
            if let limit, match >= limit { return nil }
            return match
        }
    }

    /// Whether any wall-clock time matches, from 1970 (or the first listed year) on.
    var isSatisfiable: Bool {
        let start = CivilTime(year: years?.first ?? 1970, month: 1, day: 1).localSeconds
        return nextMatch(from: start) != nil
    }
}
