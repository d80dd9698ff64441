#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

/// A run's row in `steward.runs`: the columns (as in the SQLite journal's `RunRow`), a record's
/// values for them, and a record from a selected row.
enum PostgresRunRow {
    static let columns = [
        "run_id", "job_id", "state", "trigger", "requested_by", "created_at", "scheduled_for", "zone", "started_at",
        "finished_at", "progress_fraction", "progress_message", "exit_code", "signal", "error", "error_detail", "input",
        "output", "step_count", "last_completed_step", "attempt", "retry_of", "parent_run_id", "proceed_of", "proceeded_by",
    ]

    /// What reads select: `id`, the columns, the steps as a JSON array, the owner node and the claim epoch.
    static let selection = "r.id, " + columns.map { "r.\($0)" }.joined(separator: ", ")
        + ", coalesce((SELECT json_agg(s.name ORDER BY s.position) FROM steward.run_steps s WHERE s.run = r.id)::text, '[]')"
        + ", r.node, r.claim_epoch"

    static let select = "SELECT \(selection) FROM steward.runs r"

    /// `column = $n` for every column but `run_id` (`$1`), as an `UPDATE … SET` list in the order of ``values(_:)``.
    static let assignments = columns.enumerated().dropFirst().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")

    static let insert = """
        INSERT INTO steward.runs (\(columns.joined(separator: ", "))) \
        VALUES (\((1...columns.count).map { "$\($0)" }.joined(separator: ", "))) RETURNING id
        """

    static func values(_ record: RunRecord) -> [PostgresValue] {
        [
            .text(record.runId.rawValue), .text(record.jobId.rawValue), .text(record.state.name), .text(record.trigger.name),
            .text(record.trigger.requestedBy), .integer(record.createdAt.milliseconds), .integer(record.scheduledFor?.milliseconds),
            .text(record.zone), .integer(record.startedAt?.milliseconds), .integer(record.finishedAt?.milliseconds),
            record.progress.fraction.map(PostgresValue.double) ?? .null, .text(record.progress.message),
            .integer(record.exitCode.map(Int64.init)), .integer(record.signal.map(Int64.init)), .text(record.error),
            .text(record.errorDetail), .text(record.input.jsonText), .text(record.output?.jsonText),
            .integer(Int64(record.steps.count)), .text(record.lastCompletedStep), .integer(Int64(record.attempt)),
            .text(record.retryOf?.rawValue), .text(record.parentRunId?.rawValue), .text(record.proceedOf?.rawValue),
            .text(record.proceededBy?.rawValue),
        ]
    }

    /// A selected row (see ``selection``): its id, record, owner node and claim epoch.
    struct Selected: Sendable {
        var id: Int64
        var record: RunRecord
        var node: String?
        var claimEpoch: Int
    }

    static func record(_ rows: PostgresRows, _ row: Int) -> Selected {
        func text(_ column: Int) -> String? { rows.text(row, column) }
        func integer(_ column: Int) -> Int64? { rows.int64(row, column) }
        func instant(_ column: Int) -> Date? { integer(column).map { Date(milliseconds: $0) } }
        func runId(_ column: Int) -> RunID? { text(column).map { RunID($0) } }
        let requestedBy = text(5)
        let trigger = RunTrigger(name: text(4) ?? "", requestedBy: requestedBy) ?? .manual(requestedBy: requestedBy)
        let input = text(17).flatMap { try? JobValue(jsonText: $0) } ?? .null
        var record = RunRecord(runId: RunID(text(1) ?? ""), jobId: JobID(text(2) ?? ""), trigger: trigger,
                               state: RunState(name: text(3) ?? "") ?? .crashed, createdAt: instant(6) ?? Date(milliseconds: 0),
                               scheduledFor: instant(7), zone: text(8), input: input, attempt: Int(integer(21) ?? 1),
                               retryOf: runId(22), parentRunId: runId(23), proceedOf: runId(24))
        record.startedAt = instant(9)
        record.finishedAt = instant(10)
        record.progress = RunProgress(message: text(12), fraction: text(11).flatMap(Double.init))
        record.exitCode = integer(13).map { Int32(truncatingIfNeeded: $0) }
        record.signal = integer(14).map { Int32(truncatingIfNeeded: $0) }
        record.error = text(15)
        record.errorDetail = text(16)
        record.output = text(18).flatMap { try? JobValue(jsonText: $0) }
        record.lastCompletedStep = text(20)
        record.proceededBy = runId(25)
        if case .array(let steps)? = text(26).flatMap({ try? JobValue(jsonText: $0) }) {
            record.steps = steps.compactMap { if case .string(let name) = $0 { name } else { nil } }
        }
        record.node = text(27)
        return Selected(id: integer(0) ?? 0, record: record, node: text(27), claimEpoch: Int(integer(28) ?? 0))
    }
}

extension Date {
    /// Milliseconds since 1970-01-01 UTC, rounded: how the tables store instants.
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
