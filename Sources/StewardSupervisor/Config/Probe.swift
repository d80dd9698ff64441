/// A readiness (`ready`) or liveness (`health`) probe: one check, and how often to run it.
///
/// ```json5
/// ready:  { tcp: "127.0.0.1:6380", interval: "100ms", timeout: "1s", startPeriod: "30s", retries: 50 },
/// health: { http: "http://127.0.0.1:8080/health", interval: "10s", failureThreshold: 3 },
/// ```
///
/// Exactly one of the check keys `tcp`, `http`, `exec`, `notify`, `delay` must be present.
/// `notify` and `delay` only make sense for readiness and are refused in `health`.
public struct Probe: Sendable, Equatable {
    /// What one probe attempt does.
    public enum Check: Sendable, Equatable {
        /// `tcp: "host:port"`: a TCP connection can be opened (an empty host means `127.0.0.1`).
        case tcp(host: String, port: UInt16)
        /// `http: "http://host:port/path"`: a GET answers 2xx or 3xx. The URL is in the normal
        /// form of ``HTTPProbeURL/text`` (path `/` when none was given).
        case http(url: String)
        /// `exec: ["argv", …]`: the command exits 0.
        case exec([String])
        /// `notify: "systemd"`: the process sends `READY=1` to `NOTIFY_SOCKET`.
        case notifySystemd
        /// `notify: { fd: N }` (s6 style): the process writes a newline to file descriptor N (≥ 3).
        case notifyFD(Int32)
        /// `delay: "2s"`: ready once this long has passed since the start.
        case delay(Duration)
    }

    /// The check.
    public var check: Check
    /// `interval`: time between attempts. Default 250 ms for readiness, 10 s for liveness.
    public var interval: Duration
    /// `timeout`: limit on one attempt. Default 1 s.
    public var timeout: Duration
    /// `startPeriod`: failures during this time after the start do not count. Default 0 s.
    public var startPeriod: Duration
    /// `retries` (readiness only): consecutive failures after ``startPeriod`` before the process
    /// is declared failed; `nil` (the default) = keep trying.
    public var retries: Int?
    /// `failureThreshold` (liveness): consecutive failures that trigger a restart. Default 3.
    /// Accepted in `ready` too, where it is ignored.
    public var failureThreshold: Int

    /// The default ``interval`` of readiness probes: 250 ms.
    public static let defaultReadinessInterval: Duration = .milliseconds(250)
    /// The default ``interval`` of liveness probes: 10 s.
    public static let defaultLivenessInterval: Duration = .seconds(10)
    /// The default ``timeout``: 1 s.
    public static let defaultTimeout: Duration = .seconds(1)
    /// The default ``failureThreshold``: 3.
    public static let defaultFailureThreshold = 3

    /// Creates a probe; the defaults are those of a readiness probe (see ``liveness(_:)``).
    public init(check: Check, interval: Duration = defaultReadinessInterval, timeout: Duration = defaultTimeout,
                startPeriod: Duration = .zero, retries: Int? = nil, failureThreshold: Int = defaultFailureThreshold) {
        self.check = check
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.retries = retries
        self.failureThreshold = failureThreshold
    }

    /// A readiness probe running `check` with every default.
    public static func readiness(_ check: Check) -> Probe {
        Probe(check: check)
    }

    /// A liveness probe running `check` with every default (10 s interval).
    public static func liveness(_ check: Check) -> Probe {
        Probe(check: check, interval: defaultLivenessInterval)
    }
}
