import StewardCore

/// `/livez` and `/readyz` for a `Lifecycle`: what Kubernetes asks an application.
///
/// Readiness fails from the moment shutdown is requested, before anything is stopped, so an
/// orchestrator stops sending traffic first, and until startup completed; each health key of
/// the registry is a check of its own.
/// Liveness passes while the process answers (check `ping`) and shutdown was not forced.
public struct LifecycleProbes: Sendable {
    /// The lifecycle probed.
    public let lifecycle: Lifecycle
    /// Extra checks added to readiness (a journal's health, say): name → passed/reason.
    public let extraReadiness: @Sendable () -> [ProbeReport.Check]

    /// Creates the probes.
    public init(lifecycle: Lifecycle, extraReadiness: @escaping @Sendable () -> [ProbeReport.Check] = { [] }) {
        self.lifecycle = lifecycle
        self.extraReadiness = extraReadiness
    }

    /// `/readyz`: every health key (the runner's own key, `lifecycle` by default, fails until
    /// startup completes and from the moment shutdown begins), then the extra checks. Without
    /// the runner's key, checks `startup` and `shutdown` stand in for it.
    public var readiness: ProbeReport {
        var checks: [ProbeReport.Check] = []
        if lifecycle.readinessKey == nil {
            checks.append(.init(name: "shutdown", passed: !lifecycle.isShuttingDown, reason: "shutting down"))
            checks.append(.init(name: "startup", passed: lifecycle.isStarted, reason: "starting up"))
        }
        checks += lifecycle.health.statuses.map { status in
            ProbeReport.Check(name: status.key.name, passed: status.isHealthy, reason: status.reason,
                              unchangedFor: ContinuousClock.now - status.changedAt)
        }
        checks += extraReadiness()
        return ProbeReport(probe: "readyz", checks: checks)
    }

    /// `/readyz/NAME`: one health key; `nil` when no check has that name.
    public func readiness(of name: String) -> ProbeReport? {
        readiness.checks.first { $0.name == name }.map { ProbeReport(probe: "readyz", checks: [$0]) }
    }

    /// `/livez`.
    public var liveness: ProbeReport {
        ProbeReport(probe: "livez", checks: [ProbeReport.Check(name: "ping", passed: true)])
    }

    /// Waits, without polling, until readiness passes: `true` then; `false` if `timeout`
    /// passes first or shutdown begins.
    public func waitUntilReady(timeout: Duration) async -> Bool {
        await ReadinessWaiter.wait(for: lifecycle, timeout: timeout) { readiness.passed }
    }
}
