/// A command job exited 0 but its `STEWARD_OUTPUT` line is not JSON: the run fails rather than
/// hand a next step (or a caller) a value the command did not mean.
public struct CommandOutputError: Error, Sendable, CustomStringConvertible, JobErrorDetails {
    /// The command.
    public var command: [String]
    /// The text after `STEWARD_OUTPUT `.
    public var text: String
    /// Why it is not JSON.
    public var parseError: JobValueParseError

    /// Creates an error.
    public init(command: [String], text: String, parseError: JobValueParseError) {
        self.command = command
        self.text = text
        self.parseError = parseError
    }

    /// `command "x" wrote a STEWARD_OUTPUT line that is not JSON: invalid JSON at byte 1: …`.
    public var description: String {
        "command \"\(command.first ?? "")\" wrote a STEWARD_OUTPUT line that is not JSON: \(parseError)"
    }

    /// The offending text (at most 200 characters).
    public var detail: String? { text.count > 200 ? String(text.prefix(200)) + "…" : text }
    /// The command exited 0.
    public var exitCode: Int32? { 0 }
}
