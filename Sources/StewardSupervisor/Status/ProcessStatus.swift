import StewardCore
import StewardProcesses
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One process as `steward status`, `/status` and `/metrics` show it.
public struct ProcessStatus: Sendable, Codable, Equatable {
    /// The process's name.
    public var name: String
    /// Where it is, in one word (see ``State``).
    public var state: State
    /// Its priority group.
    public var priority: Int
    /// A oneshot (runs to completion before its group starts).
    public var oneshot: Bool
    /// Whether failing for good shuts steward down.
    public var critical: Bool
    /// The running child's pid.
    public var pid: Int32?
    /// Seconds since the running child started.
    public var uptimeSeconds: Double?
    /// How many times the child was started.
    public var starts: Int
    /// Restarts by the restart policy (an operator's restart is not counted).
    public var restarts: Int
    /// How the child last ended (`exit 1`, `signal 9 (KILL)`), with its exit code as a shell
    /// would report it (128 + n for signal n).
    public var lastExit: String?
    /// The last exit's code, as a shell would report it.
    public var lastExitCode: Int32?
    /// Readiness: `nil` when the process has no readiness check.
    public var ready: Bool?
    /// Why it is not ready, or the runner's last error.
    public var reason: String?
    /// Readiness and liveness checks that failed, over its whole life.
    public var probeFailures: Int

    /// A process's state in one word.
    public struct State: Sendable, Codable, Hashable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// Not started yet (its group has not come up).
        public static let pending = State("pending")
        /// Started; not ready yet.
        public static let starting = State("starting")
        /// Running (and ready, if it has a readiness check).
        public static let running = State("running")
        /// Ended; waiting out the restart backoff.
        public static let backoff = State("backoff")
        /// Asked to stop; not gone yet.
        public static let stopping = State("stopping")
        /// Stopped (by steward's shutdown or an operator).
        public static let stopped = State("stopped")
        /// Ended successfully and will not restart (exit 0 under `never` or `on-failure`).
        public static let exited = State("exited")
        /// Failed for good: a non-zero exit without a restart, the restart limit, an init failure.
        public static let failed = State("failed")
        /// A oneshot that finished successfully.
        public static let done = State("done")

        public var description: String { value }

        public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(String.self) }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }
}

extension ProcessStatus {
    /// Combines what the runner, the process and the health registry know about `entry`.
    init(entry: ProcessDirectory.Entry, component: ComponentSnapshot?, health: HealthStatus?, now: Date) {
        let config = entry.config
        let child = entry.supervised?.snapshot
        name = config.name
        priority = config.priority
        oneshot = config.oneshot
        critical = config.critical
        pid = child?.pid
        uptimeSeconds = child?.startedAt.map { max(0, now.timeIntervalSince($0)) }
        starts = child?.starts ?? 0
        restarts = component?.restarts ?? 0
        lastExit = child?.lastExit?.description
        lastExitCode = child?.lastExit?.exitCode
        ready = health.map(\.isHealthy)
        reason = health.flatMap { $0.isHealthy ? nil : $0.reason } ?? component?.lastError
        probeFailures = child?.probeFailures ?? 0
        state = Self.state(config: config, component: component?.status, child: child, health: health)
    }

    private static func state(config: ProcessConfig, component: ComponentStatus?, child: ProcessSnapshot?,
                              health: HealthStatus?) -> State {
        if child?.heldByOperator == true { return child?.pid == nil ? .stopped : .stopping }
        guard let component else { return .pending }
        switch component {
        case .registered, .injected: return .pending
        case .initializing: return config.oneshot ? .running : .pending
        case .initialized: return config.oneshot ? .done : .pending
        case .failedInit, .failed: return .failed
        case .running:
            guard child?.pid != nil else { return .starting }
            return health?.isHealthy == false ? .starting : .running
        case .backingOff: return .backoff
        case .stopping: return .stopping
        case .exited: return .exited
        case .stopped, .finalized: return config.oneshot ? .done : .stopped
        default: return .pending
        }
    }
}
