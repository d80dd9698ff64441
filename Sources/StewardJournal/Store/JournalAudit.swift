#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

/// The journal's `audit` table: operator actions, written by the steward that owns the file and
/// read by anyone (`steward audit`, `GET /audit`).
enum JournalAudit {
    /// The most entries kept, whatever their age: retention removes older ones beyond it.
    static let capacity = 100_000

    /// Inserts `entry` (inside the writer's transaction).
    static func insert(_ entry: AuditEntry, on connection: SQLiteConnection) throws(SQLiteError) {
        try connection.statement("INSERT INTO audit (at, actor, action, target, detail, run_id) VALUES (?, ?, ?, ?, ?, ?)")
            .run([.integer(entry.at.journalMilliseconds), .text(entry.actor), .text(entry.action), .text(entry.target),
                  .text(entry.detail), .text(entry.runId?.rawValue)])
    }

    /// The newest `limit` entries, newest first; none from a file older than the audit.
    static func entries(limit: Int, on connection: SQLiteConnection) throws(SQLiteError) -> [AuditEntry] {
        let exists = try connection.statement("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'audit'")
            .first { $0.int64(0) } ?? 0
        guard exists > 0 else { return [] }
        return try connection.statement("SELECT at, actor, action, target, detail, run_id FROM audit ORDER BY id DESC LIMIT ?")
            .rows([.integer(Int64(max(0, limit)))]) { row in
                AuditEntry(at: Date(journalMilliseconds: row.int64(0)), actor: row.text(1), action: row.text(2), target: row.text(3),
                           detail: row.text(4), runId: row.optionalText(5).map { RunID($0) })
            }
    }

    /// Removes entries older than `cutoff` (when given) and those beyond ``capacity``; returns
    /// how many went.
    static func prune(before cutoff: Date?, on connection: SQLiteConnection) throws(SQLiteError) -> Int {
        var removed = 0
        if let cutoff {
            removed += try connection.statement("DELETE FROM audit WHERE at < ?").run([.integer(cutoff.journalMilliseconds)])
        }
        removed += try connection.statement("DELETE FROM audit WHERE id <= (SELECT id FROM audit ORDER BY id DESC LIMIT 1 OFFSET ?)")
            .run([.integer(Int64(capacity))])
        return removed
    }
}

extension SQLiteRunStore: AuditLog {
    /// Records `entry` in the journal's audit; returns once it is committed.
    /// - Throws: `unavailable` when the journal cannot be written now.
    public func recordAudit(_ entry: AuditEntry) async throws(RunStoreError) {
        try await command { connection, _ throws(SQLiteError) in try JournalAudit.insert(entry, on: connection) }
    }

    /// The newest `limit` audit entries, newest first.
    public func auditEntries(limit: Int) async throws(RunStoreError) -> [AuditEntry] {
        try read { connection throws(SQLiteError) in try JournalAudit.entries(limit: limit, on: connection) }
    }

    /// Removes audit entries older than `cutoff` and beyond the newest 100,000 (the retention
    /// job does it with the policy's ``RetentionPolicy/auditAge``); returns how many went.
    @discardableResult
    public func pruneAudit(before cutoff: Date?) async throws(RunStoreError) -> Int {
        try await command { connection, _ throws(SQLiteError) in try JournalAudit.prune(before: cutoff, on: connection) }
    }
}

extension JournalReader {
    /// The newest `limit` audit entries, newest first (none from a journal older than the audit).
    public func auditEntries(limit: Int) throws(RunStoreError) -> [AuditEntry] {
        try read { connection throws(SQLiteError) in try JournalAudit.entries(limit: limit, on: connection) }
    }
}
