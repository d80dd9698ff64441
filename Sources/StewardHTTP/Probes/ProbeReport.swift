/// The result of `/livez` or `/readyz` in the Kubernetes format: each check `[+]name ok` or
/// `[-]name failed: reason`, any failure of a critical check making the whole probe fail
/// (HTTP 500). A failing non-critical check (a degraded journal) is listed with
/// `(non-critical)` and does not fail the probe.
public struct ProbeReport: Sendable, Equatable {
    /// One named check.
    public struct Check: Sendable, Equatable {
        /// The check's name (a health key, `startup`, `shutdown`, `ping`).
        public var name: String
        /// Whether it passes.
        public var passed: Bool
        /// Why it fails.
        public var reason: String?
        /// Whether its failure fails the probe. Default `true`.
        public var isCritical: Bool
        /// How long it has been in its current state, when known (shown for a failing check).
        public var unchangedFor: Duration?

        /// Creates a check result.
        public init(name: String, passed: Bool, reason: String? = nil, isCritical: Bool = true, unchangedFor: Duration? = nil) {
            self.name = name
            self.passed = passed
            self.reason = reason
            self.isCritical = isCritical
            self.unchangedFor = unchangedFor
        }
    }

    /// The probe's name as the last verbose line says it (`readyz`, `livez`).
    public var probe: String
    /// The checks, in order.
    public var checks: [Check]

    /// Creates a report.
    public init(probe: String, checks: [Check]) {
        self.probe = probe
        self.checks = checks
    }

    /// Whether every critical check passes.
    public var passed: Bool { checks.allSatisfy { $0.passed || !$0.isCritical } }

    /// The report without the checks named in `excluded` (Kubernetes' `?exclude=`).
    public func excluding(_ excluded: Set<String>) -> ProbeReport {
        ProbeReport(probe: probe, checks: checks.filter { !excluded.contains($0.name) })
    }

    /// The HTTP status: 200 when every check passes, else 500.
    public var status: Int { passed ? 200 : 500 }

    /// The body: `ok` when passing and not verbose; otherwise one line per check and a verdict
    /// line (a failing probe always lists its checks, so the reason is never hidden).
    public func body(verbose: Bool) -> String {
        if passed, !verbose { return "ok" }
        var lines = checks.map { check in
            check.passed ? "[+]\(check.name) ok"
                : "[-]\(check.name) failed: \(Self.oneLine(check.reason ?? "reason withheld"))"
                    + (check.unchangedFor.map { " (for \(Self.whole($0)))" } ?? "")
                    + (check.isCritical ? "" : " (non-critical)")
        }
        lines.append("\(probe) check \(passed ? "passed" : "failed")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A duration in whole seconds (`0s`, `12s`, `3m4s`): a probe line needs no more precision.
    private static func whole(_ duration: Duration) -> String {
        Duration.seconds(max(0, duration.components.seconds)).compactDescription
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
