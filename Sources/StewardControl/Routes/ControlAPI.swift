/// The paths of steward's control API, shared by the server and the `steward` client. The same
/// API is served on the control socket (everything) and over TCP (read-only, unless a token is
/// configured for the mutating part).
public enum ControlAPI {
    /// `GET`: `SupervisorStatus` as JSON.
    public static let status = "/status"
    /// `POST`: re-read the config and apply it; answers the outcome as JSON.
    public static let reload = "/reload"
    /// `POST`: begin a graceful shutdown; answers 202 at once.
    public static let shutdown = "/shutdown"
    /// `GET ?timeout=D`: answers 200 once steward is ready, 503 if the timeout passes first.
    public static let wait = "/wait"
    /// `POST` `/processes/NAME/ACTION` (`start`, `stop`, `restart`, `signal?signal=N`);
    /// `GET` `/processes/NAME/logs?lines=N[&follow]`.
    public static let processes = "/processes/"

    /// `GET ?limit=N`: the audit of operator actions, newest first (``AuditBody`` list); where
    /// actions are offered.
    public static let audit = "/audit"

    /// `GET`: the jobs' run journal: ``JournalBody`` (404 when steward has no jobs).
    public static let journal = "/journal"

    /// Where the journal is and whether it is written: what `steward runs` asks a running
    /// steward to find the file it then reads itself.
    public struct JournalBody: Codable, Sendable, Equatable {
        /// The SQLite file.
        public var path: String
        /// Whether the last write succeeded.
        public var healthy: Bool
        /// Why not.
        public var reason: String?
        /// Creates a body.
        public init(path: String, healthy: Bool, reason: String?) {
            self.path = path
            self.healthy = healthy
            self.reason = reason
        }
    }

    /// The path of `action` on process `name`.
    public static func process(_ name: String, _ action: String) -> String { processes + name + "/" + action }

    /// The error body every failing control request answers: `{"error": "…"}`.
    public struct ErrorBody: Codable, Sendable {
        /// What went wrong, for the operator.
        public var error: String
        /// Creates a body.
        public init(error: String) { self.error = error }
    }

    /// The body of a successful action: `{"message": "…"}`.
    public struct MessageBody: Codable, Sendable {
        /// What was done.
        public var message: String
        /// Creates a body.
        public init(message: String) { self.message = message }
    }
}
