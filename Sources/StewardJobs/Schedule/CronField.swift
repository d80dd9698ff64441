/// One field of a cron expression: second, minute, hour, day of month, month, day of week, year.
public struct CronField: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case second, minute, hour, dayOfMonth, month, dayOfWeek, year
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// Seconds, 0–59 (the first of six or seven fields; `0` in the five-field form).
    public static let second = CronField(.second)
    /// Minutes, 0–59.
    public static let minute = CronField(.minute)
    /// Hours, 0–23.
    public static let hour = CronField(.hour)
    /// Day of the month, 1–31, with `L`, `L-n`, `nW` and `LW`.
    public static let dayOfMonth = CronField(.dayOfMonth)
    /// Month, 1–12 or `JAN`–`DEC`.
    public static let month = CronField(.month)
    /// Day of the week, `SUN`–`SAT` or numbers (see ``CronExpression/DayOfWeekNumbering``), with
    /// `nL` and `n#k`.
    public static let dayOfWeek = CronField(.dayOfWeek)
    /// Year, 1970–2399 (the seventh field of the Quartz form).
    public static let year = CronField(.year)

    /// The field's name in messages: "second", "minute", "hour", "day of month", "month",
    /// "day of week" or "year".
    public var description: String {
        switch kind {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day of month"
        case .month: "month"
        case .dayOfWeek: "day of week"
        case .year: "year"
        }
    }
}
