/// How a supervised process proves it is ready. Probing stops once it passed; it starts again
/// with every restart of the process.
public struct ReadinessSpec: Sendable, Hashable {
    /// Where readiness comes from.
    public enum Source: Sendable, Hashable {
        /// A check repeated every `interval` until it passes.
        case check(ProbeCheck)
        /// A `READY=1` datagram on `NOTIFY_SOCKET` (systemd style).
        case systemd
        /// A newline on descriptor N (s6 style).
        case descriptor(Int32)
    }

    /// Where readiness comes from.
    public var source: Source
    /// Time between checks. Default 250 ms.
    public var interval: Duration
    /// Limit on one check. Default 1 s.
    public var timeout: Duration
    /// Failures during this period after start do not count toward `retries`. Default 0.
    public var startPeriod: Duration
    /// Consecutive failures (after the start period) before giving up on this start of the
    /// process, which is then stopped and treated as failed. `nil` (the default) keeps trying;
    /// the runner's startup timeout still applies.
    public var retries: Int?

    /// Creates a spec; defaults as documented on each property.
    public init(source: Source, interval: Duration = .milliseconds(250), timeout: Duration = .seconds(1),
                startPeriod: Duration = .zero, retries: Int? = nil) {
        self.source = source
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.retries = retries
    }
}

/// How a running, ready process is checked for liveness. After `failureThreshold` consecutive
/// failures the process is stopped and its `run` fails, so its restart policy applies.
public struct LivenessSpec: Sendable, Hashable {
    /// The check.
    public var check: ProbeCheck
    /// Time between checks. Default 10 s.
    public var interval: Duration
    /// Limit on one check. Default 1 s.
    public var timeout: Duration
    /// Checks start this long after the process became ready. Default 0.
    public var startPeriod: Duration
    /// Consecutive failures that count as dead. Default 3.
    public var failureThreshold: Int

    /// Creates a spec; defaults as documented on each property.
    public init(check: ProbeCheck, interval: Duration = .seconds(10), timeout: Duration = .seconds(1),
                startPeriod: Duration = .zero, failureThreshold: Int = 3) {
        self.check = check
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.failureThreshold = max(1, failureThreshold)
    }
}

/// A probe gave up on a process: the error its `run` throws so restart policies and reports see it.
public struct ProbeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// `"readiness"` or `"liveness"`.
    public var probe: String
    /// Consecutive failures counted.
    public var failures: Int
    /// The last failure's detail.
    public var detail: String

    public var description: String { "\(probe) check failed \(failures) time(s): \(detail)" }
}
