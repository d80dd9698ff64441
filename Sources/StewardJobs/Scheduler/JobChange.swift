/// A change to a job's definition or state, as ``JobScheduler/jobChanges(bufferingPolicy:)``
/// hands it out: what happened and the job's summary after it (before it, for a removal).
public struct JobChange: Sendable, Hashable {
    /// What happened. A struct wrapping a private enum so kinds can be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        enum Value: String, Sendable, Hashable {
            case defined, removed, enabled, disabled, rescheduled, reset
        }

        let value: Value

        /// ``JobScheduler/define(_:)`` added the job (a reload redefining a job removes, then defines it).
        public static let defined = Kind(value: .defined)
        /// ``JobScheduler/remove(_:)`` removed it.
        public static let removed = Kind(value: .removed)
        /// ``JobScheduler/enable(_:)`` turned its schedule on.
        public static let enabled = Kind(value: .enabled)
        /// ``JobScheduler/disable(_:)`` turned its schedule off.
        public static let disabled = Kind(value: .disabled)
        /// ``JobScheduler/reset(_:)`` dropped its runtime changes: it follows its definition again.
        public static let reset = Kind(value: .reset)
        /// ``JobScheduler/reschedule(_:_:)`` or ``JobScheduler/reschedule(_:to:)`` replaced its schedule.
        public static let rescheduled = Kind(value: .rescheduled)

        /// `defined`, `removed`, `enabled`, `disabled` or `rescheduled`.
        public var name: String { value.rawValue }
        /// The same as ``name``.
        public var description: String { name }
    }

    /// What happened.
    public var kind: Kind
    /// The job after the change (before it, for ``Kind/removed``).
    public var job: JobSummary

    /// Creates a change.
    public init(kind: Kind, job: JobSummary) {
        self.kind = kind
        self.job = job
    }
}
