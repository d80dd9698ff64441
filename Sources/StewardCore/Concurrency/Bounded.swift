/// How a bounded piece of work ended.
enum BoundedOutcome<Value: Sendable>: Sendable {
    /// The work finished (returned or threw) before any limit.
    case completed(Result<Value, any Error>)
    /// The time limit passed first; the work was cancelled and abandoned.
    case timedOut
    /// An abort latch fired first; the work was cancelled and abandoned.
    case aborted
}
