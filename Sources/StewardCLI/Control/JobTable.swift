import StewardControl
import StewardCore
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `steward jobs`, `steward runs` and `steward run show` as text.
enum JobTable {
    /// One row per job, like `systemctl list-timers`: the next fire and the time left, the last
    /// run and how it ended.
    static func render(_ jobs: [JobBody], now: Date) -> String {
        let header = ["JOB", "SCHEDULE", "NEXT", "LEFT", "LAST", "STATUS", "ACTIVE"]
        let rows = jobs.map { job -> [String] in
            let zone = job.zone.flatMap { try? Zone(identifier: $0) } ?? .current
            return [
                job.id + (job.enabled ? "" : " (disabled)") + (job.changedAtRuntime == true ? " *" : ""),
                job.schedule ?? "on demand",
                job.nextFire.map { InstantText.format($0, zone: zone) } ?? "-",
                job.nextFire.map { Duration.seconds(Int64(max(0, $0.timeIntervalSince(now)).rounded(.up))).compactDescription } ?? "-",
                (job.lastRun?.startedAt ?? job.lastFired).map { InstantText.format($0, zone: zone) } ?? "-",
                job.lastRun.map { run in run.state + (run.exitCode.map { " (exit \($0))" } ?? "") } ?? "-",
                "\(job.activeRuns)",
            ]
        }
        let note = jobs.contains { $0.changedAtRuntime == true }
            ? "* changed at runtime: kept until its config entry changes or `steward jobs reset JOB`\n" : ""
        return table(header, rows) + note
    }

    /// One row per run, newest first.
    /// With a shared journal (some run has a node) a NODE column says where each ran.
    static func renderRuns(_ runs: [RunBody]) -> String {
        let shared = runs.contains { $0.node != nil }
        let header = ["RUN", "JOB", "STATE", "TRIGGER"] + (shared ? ["NODE"] : []) + ["STARTED", "DURATION", "PROGRESS", "ERROR"]
        let rows = runs.map { run -> [String] in
            [run.runId, run.jobId, run.state, run.trigger] + (shared ? [run.node ?? "-"] : []) + [
                run.startedAt.map { InstantText.format($0) } ?? "-",
                run.durationMs.map { Duration.milliseconds($0).compactDescription } ?? "-",
                progress(run),
                run.error.map { String($0.prefix(60)) } ?? "",
            ]
        }
        return table(header, rows)
    }

    /// One row per node of a shared journal, with its state (`NodeBody.state`).
    static func renderNodes(_ nodes: [NodeBody]) -> String {
        let header = ["NODE", "STATE", "HEARTBEAT", "RUNNING", "VERSION", "HOST", "PID"]
        let rows = nodes.map { node -> [String] in
            [node.name + (node.isThisNode ? " *" : ""), node.state,
             Duration.milliseconds(node.heartbeatAgeMs).compactDescription + " ago", "\(node.runningRuns)", node.version,
             node.host ?? "-", node.pid.map { "\($0)" } ?? "-"]
        }
        return table(header, rows)
    }

    /// Every field of one run, a line each.
    static func renderRun(_ run: RunBody) -> String {
        var fields: [(String, String?)] = [
            ("run", run.runId), ("job", run.jobId), ("state", run.state),
            ("trigger", run.trigger + (run.requestedBy.map { " by \($0)" } ?? "")),
            ("attempt", "\(run.attempt)"), ("created", InstantText.format(run.createdAt)),
            ("scheduled for", run.scheduledFor.map { InstantText.format($0) }), ("zone", run.zone),
            ("started", run.startedAt.map { InstantText.format($0) }), ("finished", run.finishedAt.map { InstantText.format($0) }),
            ("duration", run.durationMs.map { Duration.milliseconds($0).compactDescription }),
            ("progress", progress(run)), ("exit code", run.exitCode.map { "\($0)" }),
            ("signal", run.signal.map { SignalName.name(of: $0) }), ("error", run.error), ("detail", run.errorDetail),
            ("input", run.input), ("output", run.output),
            ("steps", run.steps.isEmpty ? nil : run.steps.joined(separator: " → ")), ("last step", run.lastCompletedStep),
            ("retry of", run.retryOf), ("parent", run.parentRunId), ("node", run.node),
        ]
        fields = fields.filter { $0.1 != nil }
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { name, value in
            name + ":" + String(repeating: " ", count: width - name.count + 1) + (value ?? "")
        }.joined(separator: "\n") + "\n"
    }

    private static func progress(_ run: RunBody) -> String {
        let percent = run.progressFraction.map { "\(Int(($0 * 100).rounded()))%" }
        return [percent, run.progressMessage].compactMap { $0 }.joined(separator: " ").nonEmpty ?? "-"
    }

    private static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            var line = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
