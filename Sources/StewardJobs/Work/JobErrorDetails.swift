/// Extra facts an error can give a run's record: the exit code or signal of a process, a detail
/// text (such as the tail of its stderr), and whether the failure is a crash.
///
/// Every member has a default (`nil` / `false`); errors wrapping others (a failed pipeline step)
/// forward them.
public protocol JobErrorDetails: Error {
    /// The exit code of the process behind the failure.
    var exitCode: Int32? { get }
    /// The signal that killed the process behind the failure.
    var signal: Int32? { get }
    /// A longer explanation for the record's `errorDetail` (a stderr tail, a trace).
    var detail: String? { get }
    /// Whether the run should be recorded `crashed` rather than `failed` (a process killed by a
    /// signal nobody asked for).
    var isCrash: Bool { get }
}

extension JobErrorDetails {
    /// None.
    public var exitCode: Int32? { nil }
    /// None.
    public var signal: Int32? { nil }
    /// None.
    public var detail: String? { nil }
    /// Not a crash.
    public var isCrash: Bool { false }
}
