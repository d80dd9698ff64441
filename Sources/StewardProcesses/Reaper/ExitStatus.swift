import StewardCore

/// How a child ended, decoded from a `waitpid` status.
public struct ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// The exit code when the child called `exit`, else `nil`.
    public let code: Int32?
    /// The signal that killed the child, else `nil`.
    public let signal: Int32?
    /// Whether a core dump was written.
    public let coreDumped: Bool

    /// A normal exit with `code`.
    public static func exited(_ code: Int32) -> ExitStatus { ExitStatus(code: code, signal: nil, coreDumped: false) }
    /// Death by `signal`.
    public static func killed(by signal: Int32, coreDumped: Bool = false) -> ExitStatus {
        ExitStatus(code: nil, signal: signal, coreDumped: coreDumped)
    }

    /// Decodes a raw `waitpid` status word.
    public init(waitStatus status: Int32) {
        let termination = status & 0x7f
        if termination == 0 {
            self.init(code: (status >> 8) & 0xff, signal: nil, coreDumped: false)
        } else {
            self.init(code: nil, signal: termination, coreDumped: status & 0x80 != 0)
        }
    }

    private init(code: Int32?, signal: Int32?, coreDumped: Bool) {
        self.code = code
        self.signal = signal
        self.coreDumped = coreDumped
    }

    /// The shell convention: the exit code, or 128 + n for death by signal n.
    public var exitCode: Int32 { code ?? 128 + (signal ?? 0) }

    /// Whether the child exited with code 0.
    public var isSuccess: Bool { code == 0 }

    /// `"exited 3"`, `"killed by SIGTERM"`.
    public var description: String {
        if let code { return "exited \(code)" }
        return "killed by \(SignalName.name(of: signal ?? 0))" + (coreDumped ? " (core dumped)" : "")
    }
}
