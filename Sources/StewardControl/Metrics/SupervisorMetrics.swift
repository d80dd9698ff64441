import StewardCore
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `/metrics`: steward's status as Prometheus metrics.
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `steward_ready` | gauge | |
/// | `steward_uptime_seconds` | gauge | |
/// | `steward_process_state` | gauge (1 for the current state) | `process`, `state` |
/// | `steward_process_up` | gauge | `process` |
/// | `steward_process_ready` | gauge (processes with a readiness check) | `process` |
/// | `steward_process_restarts_total` | counter | `process` |
/// | `steward_process_starts_total` | counter | `process` |
/// | `steward_process_uptime_seconds` | gauge (running children) | `process` |
/// | `steward_process_last_exit_code` | gauge (after a first exit) | `process` |
/// | `steward_process_probe_failures_total` | counter | `process` |
/// | `steward_output_dropped_lines_total` | counter (lines steward's stdout/stderr could not take in time) | `stream` |
/// | `process_resident_memory_bytes`, `process_open_fds` | gauge | |
public enum SupervisorMetrics {
    /// The states `steward_process_state` enumerates, so a state's series exists (as 0) before
    /// the process first enters it.
    static let states: [ProcessStatus.State] = [.pending, .starting, .running, .backoff, .stopping, .stopped, .exited, .failed, .done]

    /// Renders `status` and `usage`.
    public static func render(_ status: SupervisorStatus, usage: ResourceUsage = .current()) -> String {
        var out = PrometheusText()
        let processes = status.processes
        func per(_ value: (ProcessStatus) -> Double?) -> [(labels: [(String, String)], value: Double)] {
            processes.compactMap { process in value(process).map { ([("process", process.name)], $0) } }
        }
        out.family("steward_ready", .gauge, help: "Whether steward's readiness check passes (1) or not (0).", value: status.ready ? 1 : 0)
        out.family("steward_uptime_seconds", .gauge, help: "Seconds since steward started.", value: status.uptimeSeconds)
        out.family("steward_process_state", .gauge, help: "The process's state: 1 for the current one, 0 for the others.",
                   processes.flatMap { process in
                       states.map { state in ([("process", process.name), ("state", state.description)], process.state == state ? 1.0 : 0.0) }
                   })
        out.family("steward_process_up", .gauge, help: "Whether the process's child is running.", per { $0.pid == nil ? 0 : 1 })
        out.family("steward_process_ready", .gauge, help: "Whether the process passes its readiness check.",
                   per { $0.ready.map { $0 ? 1 : 0 } })
        out.family("steward_process_restarts_total", .counter, help: "Restarts by the restart policy.", per { Double($0.restarts) })
        out.family("steward_process_starts_total", .counter, help: "Times the child was started.", per { Double($0.starts) })
        out.family("steward_process_uptime_seconds", .gauge, help: "Seconds since the running child started.", per { $0.uptimeSeconds })
        out.family("steward_process_last_exit_code", .gauge, help: "The last exit's code (128+n for signal n).",
                   per { $0.lastExitCode.map(Double.init) })
        out.family("steward_process_probe_failures_total", .counter, help: "Readiness and liveness checks that failed.",
                   per { Double($0.probeFailures) })
        out.family("steward_output_dropped_lines_total", .counter,
                   help: "Lines dropped because steward's output was not being read fast enough.",
                   [([("stream", "stdout")], Double(OutputQueue.standardOutput.droppedLines)),
                    ([("stream", "stderr")], Double(OutputQueue.standardError.droppedLines))])
        out.family("process_resident_memory_bytes", .gauge, help: "Steward's resident memory in bytes.", value: Double(usage.residentBytes))
        out.family("process_open_fds", .gauge, help: "Steward's open file descriptors.", value: Double(usage.openDescriptors))
        return out.text
    }
}
