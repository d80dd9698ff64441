import StewardCore

/// A run store could not do what was asked.
public struct RunStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. A struct wrapping a private enum.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        enum Value: String, Hashable { case duplicateRun, unknownRun, conflict, unavailable }
        let value: Value

        /// A run with that id already exists.
        public static let duplicateRun = Kind(value: .duplicateRun)
        /// No run has that id.
        public static let unknownRun = Kind(value: .unknownRun)
        /// The run is not in a state that allows the change (claiming a run that is not queued,
        /// finishing one that is already final, proceeding one twice).
        public static let conflict = Kind(value: .conflict)
        /// The storage failed (disk full, database locked, I/O error).
        public static let unavailable = Kind(value: .unavailable)

        /// The kind's name.
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var kind: Kind
    /// The run concerned, if any.
    public var runId: RunID?
    /// Details for people.
    public var message: String
    /// Whether the store has told the operator about this failure itself: an `unavailable` store
    /// that logs its outage once when it starts, reminds of it now and then and says when it
    /// ends (the SQLite journal does). Callers then log the error at debug level, not as a
    /// warning per failed call, which made several warnings per job run during one outage.
    public var isAnnounced: Bool

    /// Creates an error.
    public init(_ kind: Kind, runId: RunID? = nil, message: String, isAnnounced: Bool = false) {
        self.kind = kind
        self.runId = runId
        self.message = message
        self.isAnnounced = isAnnounced
    }

    /// The level a caller that goes on despite the error logs it at: warning, or debug when the
    /// store announced it (``isAnnounced``).
    public var logLevel: LogLevel { isAnnounced ? .debug : .warning }

    /// A readable one-line description.
    public var description: String {
        "run store: \(kind)" + (runId.map { " (run \($0))" } ?? "") + ": \(message)"
    }
}
