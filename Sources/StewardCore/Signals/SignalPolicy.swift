#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which signals the runner handles and how it escalates.
///
/// With escalation on (the default): the first shutdown signal starts a graceful shutdown, the
/// second forces it (every in-flight task is cancelled and stop/shutdown waits end at once;
/// finalizers still run within their timeouts), the third exits the process at once with 128 + n.
public struct SignalPolicy: Sendable {
    /// Signals that request shutdown. Default SIGTERM and SIGINT.
    public var shutdownSignals: Set<Int32>
    /// Whether a second signal forces and a third exits. Default `true`.
    public var escalates: Bool

    /// Creates a policy.
    public init(shutdownSignals: Set<Int32> = [SIGTERM, SIGINT], escalates: Bool = true) {
        self.shutdownSignals = shutdownSignals
        self.escalates = escalates
    }

    /// SIGTERM and SIGINT, escalating.
    public static let standard = SignalPolicy()
    /// No signal handling (embedding applications, tests).
    public static let disabled = SignalPolicy(shutdownSignals: [])
}
