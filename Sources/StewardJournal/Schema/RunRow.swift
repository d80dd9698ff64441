#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardJobs

/// How a ``RunRecord`` maps to a row of `runs` (its steps live in `run_steps`).
enum RunRow {
    /// The columns written and read, in order (`id` aside).
    static let columns = [
        "run_id", "job_id", "state", "trigger", "requested_by", "created_at", "scheduled_for", "zone", "started_at",
        "finished_at", "progress_fraction", "progress_message", "exit_code", "signal", "error", "error_detail", "input",
        "output", "step_count", "last_completed_step", "attempt", "retry_of", "parent_run_id", "proceed_of", "proceeded_by",
    ]

    /// `SELECT id, <columns> FROM runs`.
    static let select = "SELECT id, \(columns.joined(separator: ", ")) FROM runs"

    /// Inserts a run, or replaces every column of the existing row with the same `run_id`
    /// (keeping its `id`, so its log and steps stay attached).
    static let upsert = """
        INSERT INTO runs (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
        ON CONFLICT (run_id) DO UPDATE SET \(columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
        """

    /// The values of `record` for ``columns``.
    static func values(_ record: RunRecord) -> [SQLiteValue] {
        var values: [SQLiteValue] = []
        values.reserveCapacity(columns.count)
        values.append(.text(record.runId.rawValue))
        values.append(.text(record.jobId.rawValue))
        values.append(.text(record.state.name))
        values.append(.text(record.trigger.name))
        values.append(.text(record.trigger.requestedBy))
        values.append(.integer(record.createdAt.journalMilliseconds))
        values.append(.integer(record.scheduledFor?.journalMilliseconds))
        values.append(.text(record.zone))
        values.append(.integer(record.startedAt?.journalMilliseconds))
        values.append(.integer(record.finishedAt?.journalMilliseconds))
        values.append(record.progress.fraction.map(SQLiteValue.real) ?? .null)
        values.append(.text(record.progress.message))
        values.append(.integer(record.exitCode.map(Int64.init)))
        values.append(.integer(record.signal.map(Int64.init)))
        values.append(.text(record.error))
        values.append(.text(record.errorDetail))
        values.append(.text(record.input.jsonText))
        values.append(.text(record.output?.jsonText))
        values.append(.integer(Int64(record.steps.count)))
        values.append(.text(record.lastCompletedStep))
        values.append(.integer(Int64(record.attempt)))
        values.append(.text(record.retryOf?.rawValue))
        values.append(.text(record.parentRunId?.rawValue))
        values.append(.text(record.proceedOf?.rawValue))
        values.append(.text(record.proceededBy?.rawValue))
        return values
    }

    /// The row's `id` and record (steps empty; see ``stepCount(_:)``) from a statement positioned
    /// on a row of ``select``. Unknown names (a state written by a newer binary of the same
    /// schema) read as `crashed`/`manual` rather than failing the whole query.
    static func record(_ row: SQLiteStatement) -> (id: Int64, record: RunRecord) {
        let requestedBy = row.optionalText(5)
        let trigger = RunTrigger(name: row.text(4), requestedBy: requestedBy) ?? .manual(requestedBy: requestedBy)
        let state = RunState(name: row.text(3)) ?? .crashed
        let input = (try? JobValue(jsonText: row.text(17))) ?? .null
        var record = RunRecord(runId: RunID(row.text(1)), jobId: JobID(row.text(2)), trigger: trigger, state: state,
                               createdAt: Date(journalMilliseconds: row.int64(6)), scheduledFor: instant(row, 7),
                               zone: row.optionalText(8), input: input, attempt: Int(row.int64(21)),
                               retryOf: runId(row, 22), parentRunId: runId(row, 23), proceedOf: runId(row, 24))
        record.startedAt = instant(row, 9)
        record.finishedAt = instant(row, 10)
        record.progress = RunProgress(message: row.optionalText(12), fraction: row.optionalDouble(11))
        record.exitCode = row.optionalInt64(13).map { Int32(truncatingIfNeeded: $0) }
        record.signal = row.optionalInt64(14).map { Int32(truncatingIfNeeded: $0) }
        record.error = row.optionalText(15)
        record.errorDetail = row.optionalText(16)
        record.output = row.optionalText(18).flatMap { try? JobValue(jsonText: $0) }
        record.lastCompletedStep = row.optionalText(20)
        record.proceededBy = runId(row, 25)
        return (row.int64(0), record)
    }

    private static func instant(_ row: SQLiteStatement, _ column: Int32) -> Date? {
        guard let milliseconds = row.optionalInt64(column) else { return nil }
        return Date(journalMilliseconds: milliseconds)
    }

    private static func runId(_ row: SQLiteStatement, _ column: Int32) -> RunID? {
        guard let text = row.optionalText(column) else { return nil }
        return RunID(text)
    }

    /// The step count stored with the row ``record(_:)`` read.
    static func stepCount(_ row: SQLiteStatement) -> Int64 { row.int64(19) }
}

extension Date {
    /// Milliseconds since 1970 UTC, rounded: how the journal stores instants.
    var journalMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// The instant `milliseconds` after 1970 UTC.
    init(journalMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The instant as the journal stores it (rounded to the millisecond).
    var journalRounded: Date { Date(journalMilliseconds: journalMilliseconds) }
}

extension RunRecord {
    /// The record with every instant rounded to the millisecond, as the journal stores it, so
    /// what a store returns from memory and from the file is the same.
    var journalRounded: RunRecord {
        var copy = self
        copy.createdAt = createdAt.journalRounded
        copy.scheduledFor = scheduledFor?.journalRounded
        copy.startedAt = startedAt?.journalRounded
        copy.finishedAt = finishedAt?.journalRounded
        return copy
    }
}
