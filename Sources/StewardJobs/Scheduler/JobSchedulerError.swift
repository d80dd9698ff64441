/// A scheduler request was refused.
public struct JobSchedulerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal. A struct wrapping a private enum.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        enum Value: String, Hashable {
            case duplicateJob, unknownJob, unknownRun, invalidDefinition, notRunning, runNotActive, cannotProceed, journal
            case invalidRequest, ambiguousRun
        }
        let value: Value

        /// A definition with that id exists.
        public static let duplicateJob = Kind(value: .duplicateJob)
        /// No definition has that id.
        public static let unknownJob = Kind(value: .unknownJob)
        /// No run has that id.
        public static let unknownRun = Kind(value: .unknownRun)
        /// The definition failed validation (see ``JobSchedulerError/definitionError``).
        public static let invalidDefinition = Kind(value: .invalidDefinition)
        /// The scheduler has not started, or is shutting down: no new runs.
        public static let notRunning = Kind(value: .notRunning)
        /// The run already ended.
        public static let runNotActive = Kind(value: .runNotActive)
        /// The run cannot proceed: not interrupted, already proceeded, or not a pipeline.
        public static let cannotProceed = Kind(value: .cannotProceed)
        /// Reading the journal failed.
        public static let journal = Kind(value: .journal)
        /// A request's value is wrong (a schedule that does not parse, an instant in the past);
        /// the message names the setting.
        public static let invalidRequest = Kind(value: .invalidRequest)
        /// A run id prefix matches several runs; the message names them.
        public static let ambiguousRun = Kind(value: .ambiguousRun)

        /// The kind's name.
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var kind: Kind
    /// Details for people.
    public var message: String
    /// The validation problems, for ``Kind/invalidDefinition``.
    public var definitionError: JobDefinitionError?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, definitionError: JobDefinitionError? = nil) {
        self.kind = kind
        self.message = message
        self.definitionError = definitionError
    }

    public var description: String { message }
}
