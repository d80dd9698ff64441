import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Testing

/// The journal's side of issue 13's scopes and audit: runs by a set of job ids (a tag), the
/// audit table (its migration, its reads from another process, its pruning), and the default
/// retention age.
@Suite("Journal: runs by tag, the audit, the default retention age", .timeLimit(.minutes(1)))
struct JournalAuditTests {
    @Test("a query by job ids returns only those jobs' runs, newest first, from the file and from a reader; an empty set none")
    func runsOfTaggedJobs() async throws {
        let f = try JournalFixture("tags")
        let store = f.open()
        for (index, job) in ["a", "b", "c", "a"].enumerated() {
            let record = f.record(RunID("r\(index)"), job: JobID(job), at: Double(index))
            try await store.createRun(record)
            try await store.finishRun(f.finished(record))
        }
        var query = RunQuery()
        query.jobIds = ["a", "c"]
        #expect(try await store.runs(query).map(\.runId.rawValue) == ["r3", "r2", "r0"])
        query.limit = 2
        #expect(try await store.runs(query).map(\.runId.rawValue) == ["r3", "r2"])
        await store.close()
        let reader = try f.reader()
        query.limit = nil
        #expect(try reader.runs(query).map(\.runId.rawValue) == ["r3", "r2", "r0"])
        query.jobIds = []
        #expect(try reader.runs(query).isEmpty)
    }

    @Test("audit entries are written, listed newest first by the store and by a reader, with their run")
    func auditRoundTrip() async throws {
        let f = try JournalFixture("audit")
        let store = f.open()
        try await store.recordAudit(AuditEntry(at: f.t0, actor: "uid 1000", action: "restart", target: "web", detail: "restarted web"))
        try await store.recordAudit(AuditEntry(at: f.t0.addingTimeInterval(1), actor: "http", action: "trigger", target: "report",
                                               detail: "run r1 queued", runId: "r1"))
        let listed = try await store.auditEntries(limit: 10)
        #expect(listed.map(\.action) == ["trigger", "restart"])
        #expect(listed.first == AuditEntry(at: f.t0.addingTimeInterval(1), actor: "http", action: "trigger", target: "report",
                                           detail: "run r1 queued", runId: "r1"))
        #expect(try await store.auditEntries(limit: 1).count == 1)
        await store.close()
        #expect(try f.reader().auditEntries(limit: 10).map(\.actor) == ["http", "uid 1000"])
    }

    @Test("a journal of schema version 1 is migrated: its runs stay and the audit table is added; a reader of the old file lists no audit")
    func migratesVersionOne() async throws {
        let f = try JournalFixture("migrate")
        do {
            let connection = try SQLiteConnection(path: f.path, readOnly: false, create: true)
            try connection.execute(JournalSchema.migrations[0])
            try connection.execute("PRAGMA application_id = \(JournalSchema.applicationID)")
            try connection.execute("PRAGMA user_version = 1")
            try connection.execute("""
                INSERT INTO runs (run_id, job_id, state, trigger, created_at, attempt, input)
                VALUES ('old', 'j', 'succeeded', 'manual', 1800000000000, 1, 'null')
                """)
        }
        #expect(try f.reader().auditEntries(limit: 5).isEmpty)
        let store = f.open()
        try await store.recordAudit(AuditEntry(at: f.t0, actor: "uid 0", action: "reload", target: ""))
        #expect(try await store.run("old") != nil)
        await store.close()
        #expect(try f.reader().auditEntries(limit: 5).map(\.action) == ["reload"])
    }

    @Test("retention prunes audit entries older than the longest age, with the runs")
    func auditPruned() async throws {
        let f = try JournalFixture("audit-prune")
        let store = f.open()
        let now = f.t0
        try await store.recordAudit(AuditEntry(at: now.addingTimeInterval(-11 * 3600), actor: "http", action: "stop", target: "old"))
        try await store.recordAudit(AuditEntry(at: now.addingTimeInterval(-9 * 3600), actor: "http", action: "stop", target: "young"))
        let policy = RetentionPolicy(maximumAge: RetentionPolicy.ages(default: .seconds(36_000)), keepLast: 0)
        #expect(policy.auditAge == .seconds(36_000))
        #expect(try await store.pruneAudit(before: now.addingTimeInterval(-36_000)) == 1)
        #expect(try await store.auditEntries(limit: 10).map(\.target) == ["young"])
        await store.close()
    }

    @Test("with one default age of 10 h every final state goes after 10 h (keepLast 0); a per-state override keeps its own")
    func defaultAgePrunesEveryState() async throws {
        let f = try JournalFixture("default-age")
        let store = f.open()
        let now = f.t0
        var ages = RetentionPolicy.ages(default: .seconds(36_000))
        ages[.failed] = .seconds(86_400)
        for (index, state) in [RunState.succeeded, .failed, .stopped, .timedOut, .crashed].enumerated() {
            for (suffix, hours) in [("old", 11.0), ("young", 9.0)] {
                var record = f.record(RunID("\(state.name)-\(suffix)"), job: JobID("j\(index)"))
                record.createdAt = now.addingTimeInterval(-hours * 3600 - 1)
                try await store.createRun(record)
                record = try await store.claimRun(record.runId, startedAt: record.createdAt)
                record.state = state
                record.finishedAt = now.addingTimeInterval(-hours * 3600)
                try await store.finishRun(record)
            }
        }
        let report = try await store.prune(RetentionPolicy(maximumAge: ages, keepLast: 0), now: now)
        #expect(report.runs == 4)
        #expect(try await store.runs(RunQuery()).map(\.runId.rawValue).sorted() == [
            "crashed-young", "failed-old", "failed-young", "stopped-young", "succeeded-young", "timedOut-young",
        ])
        await store.close()
    }
}
