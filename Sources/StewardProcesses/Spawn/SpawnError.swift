#if canImport(Glibc)
import Glibc
#endif

/// A child could not be started: which step failed and why.
public struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failing step. A struct wrapping a private enum.
    public struct Step: Sendable, Hashable, CustomStringConvertible {
        private let value: Int32
        init(code: Int32) { value = code }
        /// The program was not found in `PATH` or is not executable.
        public static let lookup = Step(code: 100)
        /// Arguments were empty or contained a NUL byte.
        public static let arguments = Step(code: 101)
        /// Creating the child failed (fork/vfork, pipe).
        public static let fork = Step(code: 8)
        /// Creating the session or process group failed.
        public static let session = Step(code: 1)
        /// Installing descriptors failed.
        public static let descriptors = Step(code: 2)
        /// Changing to the working directory failed.
        public static let workingDirectory = Step(code: 3)
        /// Dropping supplementary groups failed.
        public static let groups = Step(code: 4)
        /// Switching the group id failed.
        public static let groupID = Step(code: 5)
        /// Switching the user id failed.
        public static let userID = Step(code: 6)
        /// `execve` failed.
        public static let exec = Step(code: 7)

        public var description: String {
            switch value {
            case 100: "lookup"
            case 101: "arguments"
            case 8: "fork"
            case 1: "setsid/setpgid"
            case 2: "descriptors"
            case 3: "chdir"
            case 4: "setgroups"
            case 5: "setgid"
            case 6: "setuid"
            case 7: "exec"
            default: "step \(value)"
            }
        }
    }

    /// The failing step.
    public var step: Step
    /// The `errno` reported for it (0 when not a system call).
    public var code: Int32
    /// The program concerned.
    public var program: String
    /// A readable reason for lookup and argument errors.
    public var detail: String?
    /// The path the failing step worked on, when it is not the program as written: the working
    /// directory for ``Step/workingDirectory``, the resolved file for ``Step/exec``. A failure
    /// that does not name it ("chdir failed: No such file or directory") leaves the reader to
    /// guess which path was missing.
    public var path: String?

    /// Creates an error.
    public init(step: Step, code: Int32, program: String, detail: String? = nil, path: String? = nil) {
        self.step = step
        self.code = code
        self.program = program
        self.detail = detail
        self.path = path
    }

    /// `program: detail`, or `program: step [path] failed: reason`
    /// (`web: chdir /srv/web failed: No such file or directory`).
    public var description: String {
        if let detail { return program.isEmpty ? detail : "\(program): \(detail)" }
        return "\(program): \(step)\(path.map { " " + $0 } ?? "") failed: \(String(cString: strerror(code)))"
    }
}
