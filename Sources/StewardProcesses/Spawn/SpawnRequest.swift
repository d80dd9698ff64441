#if canImport(Glibc)
import Glibc
#endif

/// Everything needed to start one child OS process. A value type: build it, then hand it to
/// ``Reaper/spawn(_:)``.
public struct SpawnRequest: Sendable, Hashable {
    /// How the child is grouped for signalling. A struct wrapping a private enum.
    public struct Grouping: Sendable, Hashable {
        private enum Value: Hashable { case inherit, processGroup, session }
        private let value: Value
        /// Stay in steward's process group (tini-style exec without `--group`).
        public static let inherit = Grouping(value: .inherit)
        /// A new process group led by the child (the default): stop signals go to the whole group.
        public static let processGroup = Grouping(value: .processGroup)
        /// A new session (and group), detached from any controlling terminal.
        public static let session = Grouping(value: .session)

        var mode: Int32 {
            switch value {
            case .inherit: 0
            case .session: 1
            case .processGroup: 2
            }
        }
    }

    /// `argv`; `arguments[0]` names the program, looked up in `PATH` when it has no `/`.
    public var arguments: [String]
    /// The file to execute when the caller has already resolved `arguments[0]` (with
    /// ``ExecutableLookup/resolve(_:environment:workingDirectory:)``); `nil` (the default) resolves
    /// it at spawn time.
    public var executable: String?
    /// The complete environment of the child (nothing is inherited implicitly).
    public var environment: [String: String]
    /// Working directory; `nil` inherits steward's.
    public var workingDirectory: String?
    /// User and group ids to switch to (supplementary groups are dropped); `nil` keeps steward's.
    public var credentials: (uid: UInt32, gid: UInt32)? {
        get { uid.map { ($0, gid ?? $0) } }
        set { uid = newValue?.uid; gid = newValue?.gid }
    }
    private var uid: UInt32?
    private var gid: UInt32?
    /// Process grouping. Default ``Grouping/processGroup``.
    public var grouping: Grouping
    /// Descriptors to install in the child: `[target: source]` (e.g. `[0: devNull, 1: pipe,
    /// 2: pipe, 3: notifyPipe]`). Targets 0–2 not listed are inherited from steward; every other
    /// descriptor is closed on exec.
    public var descriptors: [Int32: Int32]
    /// A terminal (a descriptor of steward's, usually 0) whose foreground the child's new process
    /// group takes before it runs, so an interactive program can read it (with
    /// ``Grouping/processGroup`` only); `nil` (the default) leaves the terminal alone.
    public var foregroundTerminal: Int32?

    /// Creates a request; the environment defaults to none, grouping to a new process group, and
    /// the executable is looked up at spawn time.
    public init(arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
                credentials: (uid: UInt32, gid: UInt32)? = nil, grouping: Grouping = .processGroup,
                descriptors: [Int32: Int32] = [:], executable: String? = nil) {
        self.arguments = arguments
        self.executable = executable
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.uid = credentials?.uid
        self.gid = credentials?.gid
        self.grouping = grouping
        self.descriptors = descriptors
    }

    /// The file this request runs: ``executable`` when set, else `arguments[0]` looked up with
    /// ``ExecutableLookup`` in this request's environment and working directory. What
    /// ``Reaper/spawn(_:)`` runs, and what a check before any spawn should ask.
    /// - Throws: ``SpawnError`` (empty command, not found, not executable).
    public func resolveExecutable() throws(SpawnError) -> String {
        if let executable { return executable }
        guard let program = arguments.first else {
            throw SpawnError(step: .arguments, code: EINVAL, program: "", detail: "empty command")
        }
        return try ExecutableLookup.resolve(program, environment: environment, workingDirectory: workingDirectory)
    }
}
