/// A job's hook command failed: it could not start, exited non-zero, or ran past its timeout.
public struct JobHookError: Error, Sendable, CustomStringConvertible {
    /// `onSuccess` or `onFailure`.
    public var hook: String
    /// The hook's command.
    public var command: [String]
    /// What went wrong (`exited 3`, `timed out after 60s (killed by SIGTERM)`, `cannot start: …`).
    public var problem: String

    /// `hook onFailure ("notify"): exited 3`.
    public var description: String { "hook \(hook) (\"\(command.first ?? "")\"): \(problem)" }
}
