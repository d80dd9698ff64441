/// A schedule could not be built: a bad cron expression, interval, instant, time zone or preset
/// value, or a combination of settings that does not make sense.
public struct ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidCron, invalidInterval, invalidInstant, unknownZone, conflictingSettings, invalidValue
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// The cron expression does not parse (see ``ScheduleError/cronError``).
        public static let invalidCron = Kind(.invalidCron)
        /// The interval is not a valid, positive duration.
        public static let invalidInterval = Kind(.invalidInterval)
        /// The instant is not valid ISO 8601 date-time text.
        public static let invalidInstant = Kind(.invalidInstant)
        /// The time zone is not a known IANA zone name.
        public static let unknownZone = Kind(.unknownZone)
        /// Settings that exclude each other were given together (e.g. a cron expression and an interval).
        public static let conflictingSettings = Kind(.conflictingSettings)
        /// A value is out of range (an hour of 25, a repeat count of 0, an end before the anchor).
        public static let invalidValue = Kind(.invalidValue)

        /// The kind's name, e.g. "invalidCron".
        public var description: String {
            switch value {
            case .invalidCron: "invalidCron"
            case .invalidInterval: "invalidInterval"
            case .invalidInstant: "invalidInstant"
            case .unknownZone: "unknownZone"
            case .conflictingSettings: "conflictingSettings"
            case .invalidValue: "invalidValue"
            }
        }
    }

    /// What kind of problem it is.
    public var kind: Kind
    /// The message, naming the offending value.
    public var message: String
    /// The parse error, when ``kind`` is ``Kind/invalidCron``.
    public var cronError: CronSyntaxError?
    /// The setting the problem is about (`"start"`, `"end"`), when the message alone would not
    /// say which key of a config to point at; `nil` otherwise.
    public var setting: String?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, cronError: CronSyntaxError? = nil, setting: String? = nil) {
        self.kind = kind
        self.message = message
        self.cronError = cronError
        self.setting = setting
    }

    /// The message.
    public var description: String { message }
}
