#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

/// What a restarted steward does with what the previous one left in the journal.
enum JournalRecovery {
    /// Marks every `running` run (but `except`) `crashed` with `reason`; returns them.
    static func crashRunning(on connection: SQLiteConnection, except: Set<RunID>, reason: String, at instant: Date)
        throws(SQLiteError) -> [RunRecord] {
        let running = try connection.statement("\(RunRow.select) WHERE state = 'running'").rows { RunRow.record($0).record }
            .filter { !except.contains($0.runId) }
        let crash = try connection.statement("UPDATE runs SET state = 'crashed', error = ?, finished_at = ? WHERE run_id = ?")
        var crashed: [RunRecord] = []
        for var record in running {
            try crash.run([.text(reason), .integer(instant.journalMilliseconds), .text(record.runId.rawValue)])
            record.state = .crashed
            record.error = reason
            record.finishedAt = instant.journalRounded
            crashed.append(record)
        }
        return crashed
    }

    /// Every `queued` run (but `except`), oldest first, with its row id.
    static func queued(on connection: SQLiteConnection, except: Set<RunID>) throws(SQLiteError) -> [(id: Int64, record: RunRecord)] {
        try connection.statement("\(RunRow.select) WHERE state = 'queued' ORDER BY id").rows { RunRow.record($0) }
            .filter { !except.contains($0.record.runId) }
    }
}
