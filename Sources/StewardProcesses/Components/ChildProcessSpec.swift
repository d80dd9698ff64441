#if canImport(Glibc)
import Glibc
#endif

/// What to run for one supervised child OS process. A value type; the supervisor's config file
/// maps onto it.
public struct ChildProcessSpec: Sendable, Hashable {
    /// The `argv` to execute (no shell unless the user writes `["sh", "-c", …]`).
    public var command: [String]
    /// The child's complete environment.
    public var environment: [String: String]
    /// Working directory; `nil` inherits steward's.
    public var workingDirectory: String?
    /// User and group ids to run as; `nil` keeps steward's.
    public var credentials: Credentials?
    /// The signal `stop` sends to the child's process group. Default SIGTERM.
    public var stopSignal: Int32
    /// Process grouping. Default: a new process group, so stop and kill reach every descendant.
    public var grouping: SpawnRequest.Grouping
    /// Descriptors to install in the child, `[target: source]`; 0–2 not listed are inherited.
    public var descriptors: [Int32: Int32]

    /// A user id and group id pair.
    public struct Credentials: Sendable, Hashable {
        /// The user id.
        public var uid: UInt32
        /// The group id (supplementary groups are dropped).
        public var gid: UInt32
        /// Creates credentials.
        public init(uid: UInt32, gid: UInt32) {
            self.uid = uid
            self.gid = gid
        }
    }

    /// Creates a spec; only the command is required.
    public init(command: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
                credentials: Credentials? = nil, stopSignal: Int32 = SIGTERM, grouping: SpawnRequest.Grouping = .processGroup,
                descriptors: [Int32: Int32] = [:]) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.credentials = credentials
        self.stopSignal = stopSignal
        self.grouping = grouping
        self.descriptors = descriptors
    }

    /// The file `execve` will run, resolved now so that a missing program is an init error rather
    /// than a restart loop.
    /// - Throws: ``SpawnError`` (empty command, not found, not executable).
    public func resolveExecutable() throws(SpawnError) -> String {
        try spawnRequest.resolveExecutable()
    }

    /// The spawn request for one start of this child.
    var spawnRequest: SpawnRequest {
        SpawnRequest(arguments: command, environment: environment, workingDirectory: workingDirectory,
                     credentials: credentials.map { (uid: $0.uid, gid: $0.gid) }, grouping: grouping, descriptors: descriptors)
    }
}

/// A child exited with a status other than success: the error `run` (or a oneshot's `initialize`)
/// throws, so the runner's restart policy and reports see it.
public struct ChildProcessExit: Error, Sendable, Hashable, CustomStringConvertible {
    /// The child's pid.
    public var pid: Int32
    /// How it ended.
    public var status: ExitStatus

    /// Creates the error.
    public init(pid: Int32, status: ExitStatus) {
        self.pid = pid
        self.status = status
    }

    public var description: String { "pid \(pid) \(status)" }
}
