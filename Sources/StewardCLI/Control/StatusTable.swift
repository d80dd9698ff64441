import StewardCore
import StewardSupervisor

/// `steward status` as a table: a line for steward, then a row per process.
enum StatusTable {
    static func render(_ status: SupervisorStatus) -> String {
        var out = "steward pid \(status.pid): \(status.state), up \(duration(status.uptimeSeconds))\n"
        let header = ["NAME", "STATE", "PID", "UPTIME", "RESTARTS", "READY", "LAST EXIT", "REASON"]
        let rows = status.processes.map { process -> [String] in
            [
                process.name,
                process.state.description,
                process.pid.map { "\($0)" } ?? "-",
                process.uptimeSeconds.map(duration) ?? "-",
                "\(process.restarts)",
                process.ready.map { $0 ? "yes" : "no" } ?? "-",
                process.lastExit ?? "-",
                process.reason ?? "",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(to: widths[index])
            }
            out += cells.joined(separator: "  ").trailingSpacesRemoved + "\n"
        }
        for (name, reason) in (status.notStarted ?? [:]).sorted(by: { $0.key < $1.key }) {
            out += "not started by the last reload: \(name): \(reason) (the next reload tries again)\n"
        }
        return out
    }

    /// Whole seconds, compactly (`3s`, `5m2s`, `2h0m7s`).
    static func duration(_ seconds: Double) -> String {
        Duration.seconds(Int64(seconds.rounded(.down))).compactDescription
    }
}

private extension String {
    func padding(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    var trailingSpacesRemoved: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
