import StewardCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Steward as a whole, at one moment: what `/status` serves and `steward status` prints.
public struct SupervisorStatus: Sendable, Codable, Equatable {
    /// Steward's pid.
    public var pid: Int32
    /// Where steward is: `starting`, `ready`, `degraded` (up, but a readiness check fails) or
    /// `stopping`.
    public var state: String
    /// Whether `/readyz` passes now.
    public var ready: Bool
    /// Seconds since steward started.
    public var uptimeSeconds: Double
    /// When this status was taken.
    public var time: Date
    /// Every configured process, in startup order.
    public var processes: [ProcessStatus]
    /// Processes of the config file that the last reload could not start (name → why); the next
    /// reload tries them again. `nil` when there are none.
    public var notStarted: [String: String]?

    /// Takes a status of `lifecycle`'s processes as `directory` lists them; `notStarted` lists
    /// what the last reload could not start.
    public init(lifecycle: Lifecycle, directory: ProcessDirectory, startedAt: Date, now: Date = .now,
                notStarted: [String: String] = [:]) {
        self.notStarted = notStarted.isEmpty ? nil : notStarted
        let components = Dictionary(lifecycle.components.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let health = Dictionary(lifecycle.health.statuses.map { ($0.key.name, $0) }, uniquingKeysWith: { first, _ in first })
        processes = directory.all.map { entry in
            ProcessStatus(entry: entry, component: components[entry.config.name], health: health[entry.config.name], now: now)
        }
        pid = getpid()
        time = now
        uptimeSeconds = max(0, now.timeIntervalSince(startedAt))
        ready = !lifecycle.isShuttingDown && lifecycle.isStarted && lifecycle.health.isReady
        state = lifecycle.isShuttingDown ? "stopping" : !lifecycle.isStarted ? "starting" : ready ? "ready" : "degraded"
    }
}
