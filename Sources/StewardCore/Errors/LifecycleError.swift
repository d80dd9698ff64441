/// One error of a lifecycle run, typed so that callers can switch on phase and kind.
///
/// Its text follows one pattern: `<name>: <phase> <failed|timeout> (<cause>)`, or
/// `<name>: unexpected return`, `<name>: did not become healthy within <d>`,
/// `<name>: did not shut down within <d>` (the runner's deadline reads
/// `lifecycle: shutdown deadline of 30s passed (still running: a, b; not finalized: db)`).
public struct LifecycleError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct wrapping a private enum so kinds can be added later.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Hashable {
            case failed, timeout, cancelled, unexpectedReturn, notHealthy, notShutDown, restartLimit, deadline
        }
        private let value: Value
        /// The phase threw.
        public static let failed = Kind(value: .failed)
        /// The phase did not finish within its timeout.
        public static let timeout = Kind(value: .timeout)
        /// The phase was cancelled by a forced shutdown (second signal).
        public static let cancelled = Kind(value: .cancelled)
        /// `run` returned before shutdown and early exit was not allowed.
        public static let unexpectedReturn = Kind(value: .unexpectedReturn)
        /// Health keys did not all turn healthy within the startup timeout.
        public static let notHealthy = Kind(value: .notHealthy)
        /// `run` did not return within the shutdown timeout after `stop`.
        public static let notShutDown = Kind(value: .notShutDown)
        /// The restart intensity limit was exceeded; the component failed for good.
        public static let restartLimit = Kind(value: .restartLimit)
        /// The global shutdown deadline passed before the unwind finished: the runner gave up,
        /// naming what was still running and what was not finalized.
        public static let deadline = Kind(value: .deadline)

        public var description: String {
            switch value {
            case .failed: "failed"
            case .timeout: "timeout"
            case .cancelled: "cancelled"
            case .unexpectedReturn: "unexpected return"
            case .notHealthy: "not healthy"
            case .notShutDown: "not shut down"
            case .restartLimit: "restart limit"
            case .deadline: "deadline"
            }
        }
    }

    /// The component's name (for `.deadline`, the runner: `"lifecycle"`).
    public var component: String
    /// The phase that failed.
    public var phase: LifecyclePhase
    /// How it failed.
    public var kind: Kind
    /// The error thrown by the component, if any.
    public var underlying: (any Error)?
    /// The limit involved, for timeouts.
    public var limit: Duration?
    /// Extra detail (for `.restartLimit` and `.deadline`).
    public var detail: String?

    /// Creates an error.
    public init(component: String, phase: LifecyclePhase, kind: Kind, underlying: (any Error)? = nil,
                limit: Duration? = nil, detail: String? = nil) {
        self.component = component
        self.phase = phase
        self.kind = kind
        self.underlying = underlying
        self.limit = limit
        self.detail = detail
    }

    public var description: String {
        let cause = underlying.map { "\($0)" }
        switch kind {
        case .unexpectedReturn:
            return "\(component): unexpected return"
        case .notHealthy:
            return "\(component): did not become healthy within \(limit?.compactDescription ?? "its startup timeout")"
        case .notShutDown:
            let within = limit.map { " within \($0.compactDescription)" } ?? ""
            return "\(component): did not shut down\(within)\(detail.map { " (\($0))" } ?? "")"
        case .deadline:
            return "\(component): shutdown deadline\(limit.map { " of \($0.compactDescription)" } ?? "") passed"
                + (detail.map { " (\($0))" } ?? "")
        case .timeout:
            return "\(component): \(phase) timeout (\(limit?.compactDescription ?? "?"))"
        case .cancelled:
            return "\(component): \(phase) failed (cancelled by a forced shutdown)"
        case .restartLimit:
            // One cause in parentheses, as every other error: the last failure, then the limit.
            let parts = [cause, detail].compactMap { $0 }
            return "\(component): \(phase) failed (\(parts.joined(separator: "; ")))"
        default:
            return "\(component): \(phase) failed\(cause.map { " (\($0))" } ?? "")"
        }
    }
}
