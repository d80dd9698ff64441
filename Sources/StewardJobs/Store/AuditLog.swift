/// Where operator actions are recorded: a sibling of ``RunStore`` that a journal implements
/// beside it (``InMemoryRunStore``, the SQLite journal), so the audit lives with the runs it
/// concerns and any future journal (PostgreSQL, say) offers it the same way.
///
/// A log is bounded: an implementation forgets its oldest entries past a cap, or prunes them by
/// age with the journal's retention.
public protocol AuditLog: Sendable {
    /// Records `entry`.
    /// - Throws: `unavailable` when the journal cannot be written now (the caller logs it).
    func recordAudit(_ entry: AuditEntry) async throws(RunStoreError)

    /// The newest `limit` entries, newest first.
    func auditEntries(limit: Int) async throws(RunStoreError) -> [AuditEntry]
}
