extension CronExpression {
    /// How the numbers of the day-of-week field are read. Names (`SUN`–`SAT`) mean the same in
    /// both.
    public struct DayOfWeekNumbering: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable { case posix, quartz }

        private let kind: Kind

        private init(_ kind: Kind) { self.kind = kind }

        /// POSIX/Vixie cron (the default): 0 = Sunday, 1 = Monday … 6 = Saturday, and 7 = Sunday
        /// again, so `5-7` is Friday to Sunday.
        public static let posix = DayOfWeekNumbering(.posix)

        /// Quartz-compatible: 1 = Sunday, 2 = Monday … 7 = Saturday; 0 is out of range. Use it for
        /// expressions copied from Quartz, Hangfire's Quartz mode or Openbravo, where `6#3` means
        /// the third Friday.
        public static let quartz = DayOfWeekNumbering(.quartz)

        /// The smallest number the day-of-week field accepts (0 or 1).
        var minimum: Int { kind == .posix ? 0 : 1 }

        /// The largest number the day-of-week field accepts (7 in both).
        var maximum: Int { 7 }

        /// The weekday (0 = Sunday … 6 = Saturday) a field number stands for.
        func weekday(_ number: Int) -> Int {
            kind == .posix ? number % 7 : number - 1
        }

        /// The field number of a weekday named in the text (`SUN` is 0 in POSIX, 1 in Quartz).
        func number(ofWeekday weekday: Int) -> Int {
            kind == .posix ? weekday : weekday + 1
        }

        /// "posix" or "quartz".
        public var description: String { kind == .posix ? "posix" : "quartz" }
    }

    /// Parsing options.
    public struct Options: Hashable, Sendable {
        /// How day-of-week numbers are read; ``DayOfWeekNumbering/posix`` by default.
        public var dayOfWeekNumbering: DayOfWeekNumbering

        /// Creates options; POSIX day-of-week numbering unless told otherwise.
        public init(dayOfWeekNumbering: DayOfWeekNumbering = .posix) {
            self.dayOfWeekNumbering = dayOfWeekNumbering
        }
    }
}
