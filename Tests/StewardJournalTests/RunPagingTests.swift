import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Testing

/// The monitor's runs list: pages newest first with a `before` cursor, and counts per state under
/// the same filters, from the journal file, from a store that owns active runs, and in memory.
@Suite("run paging and counts", .timeLimit(.minutes(1)))
struct RunPagingTests {
    /// Ten runs r0…r9 of jobs a/b, created in order; even ones succeeded, odd ones failed, r9 left running.
    func fill(_ store: some RunStore, t0: Date) async throws {
        for index in 0..<10 {
            let record = RunRecord(runId: RunID("r\(index)"), jobId: index % 3 == 0 ? "a" : "b", trigger: .schedule, createdAt: t0.addingTimeInterval(Double(index)))
            try await store.createRun(record)
            let claimed = try await store.claimRun(record.runId, startedAt: record.createdAt)
            guard index < 9 else { continue }
            var done = claimed
            done.state = index % 2 == 0 ? .succeeded : .failed
            done.finishedAt = record.createdAt.addingTimeInterval(0.5)
            try await store.finishRun(done)
        }
    }

    func pages(_ store: some RunStore, _ base: RunQuery, size: Int) async throws -> [[String]] {
        var pages: [[String]] = []
        var query = base
        query.limit = size
        while true {
            let page = try await store.runs(query)
            if page.isEmpty { break }
            pages.append(page.map(\.runId.rawValue))
            query.before = page.last?.runId
        }
        return pages
    }

    func check(_ store: some RunStore) async throws {
        #expect(try await pages(store, RunQuery(), size: 4) == [["r9", "r8", "r7", "r6"], ["r5", "r4", "r3", "r2"], ["r1", "r0"]])
        #expect(try await pages(store, RunQuery(states: [.failed]), size: 2) == [["r7", "r5"], ["r3", "r1"]])
        #expect(try await pages(store, RunQuery(jobId: "a"), size: 3) == [["r9", "r6", "r3"], ["r0"]])
        #expect(try await store.runs(RunQuery(limit: 5, before: "nope")).isEmpty, "an unknown cursor matches nothing")
        #expect(try await store.runCounts(RunQuery()) == [.succeeded: 5, .failed: 4, .running: 1])
        #expect(try await store.runCounts(RunQuery(jobId: "b")) == [.succeeded: 3, .failed: 3])
        #expect(try await store.runCounts(RunQuery(states: [.failed, .running], limit: 1)) == [.failed: 4, .running: 1])
    }

    @Test("in memory")
    func inMemory() async throws {
        let store = InMemoryRunStore()
        try await fill(store, t0: Date(timeIntervalSince1970: 1_800_000_000))
        try await check(store)
    }

    @Test("in the journal, with a running run the store owns, and read from the file by another process's reader")
    func journal() async throws {
        let f = try JournalFixture("paging")
        let store = f.open()
        try await fill(store, t0: f.t0)
        try await check(store)
        let reader = try f.reader()
        #expect(try reader.runCounts(RunQuery()) == [.succeeded: 5, .failed: 4, .running: 1])
        #expect(try reader.runs(RunQuery(states: [.succeeded], limit: 2, before: "r4")).map(\.runId) == ["r2", "r0"])
        await store.close()
    }

    @Test("the journal's list and counts use its indexes, not a scan of every run")
    func indexed() async throws {
        let f = try JournalFixture("plans")
        let store = f.open()
        try await fill(store, t0: f.t0)
        await store.close()
        let connection = try SQLiteConnection(path: f.path, readOnly: true, busyTimeout: .seconds(1))
        func plan(_ sql: String) throws -> String {
            try connection.statement("EXPLAIN QUERY PLAN " + sql).rows([]) { $0.text(3) }.joined(separator: "; ")
        }
        let byState = try plan("SELECT id FROM runs WHERE state IN ('failed') AND id < 100 ORDER BY id DESC LIMIT 50")
        #expect(byState.contains("runs_by_state"), "\(byState)")
        let byJobAndState = try plan("SELECT id FROM runs WHERE job_id = 'a' AND state IN ('failed') AND id < 100 ORDER BY id DESC LIMIT 50")
        #expect(byJobAndState.contains("runs_by_job_state"), "\(byJobAndState)")
        let sinceCounts = try plan("SELECT state, count(*) FROM runs WHERE job_id = 'a' GROUP BY state")
        #expect(sinceCounts.contains("COVERING INDEX runs_by_job_state"), "\(sinceCounts)")
    }

    @Test("the counts table follows every insert, state change and delete, also by SQL from outside (a restored or trimmed file)")
    func countsFollowChanges() async throws {
        let f = try JournalFixture("counts")
        let store = f.open()
        try await fill(store, t0: f.t0)
        await store.close()
        let editor = try SQLiteConnection(path: f.path, readOnly: false, busyTimeout: .seconds(1))
        try editor.execute("DELETE FROM runs WHERE run_id IN ('r0', 'r1')")
        try editor.execute("UPDATE runs SET state = 'crashed' WHERE run_id = 'r9'")
        try editor.execute("UPDATE runs SET job_id = 'c' WHERE run_id = 'r2'")
        let reader = try f.reader()
        #expect(try reader.runCounts(RunQuery()) == [.succeeded: 4, .failed: 3, .crashed: 1])
        #expect(try reader.runCounts(RunQuery(jobId: "c")) == [.succeeded: 1])
        #expect(try reader.runCounts(RunQuery(jobId: "a", states: [.crashed, .failed])) == [.crashed: 1, .failed: 1])
        let counted = try editor.statement("SELECT count(*) FROM runs").first([]) { $0.int64(0) }
        let total = try editor.statement("SELECT sum(count) FROM run_counts").first([]) { $0.int64(0) }
        #expect(counted == total)
        #expect(try reader.runCounts(RunQuery(since: f.t0.addingTimeInterval(5))) == [.succeeded: 2, .failed: 2, .crashed: 1],
                "with a time filter the runs themselves are counted")
        // A file of the schema before the counts (another machine's older steward): read, never migrated.
        try editor.execute("DROP TRIGGER run_counts_insert; DROP TRIGGER run_counts_update; DROP TRIGGER run_counts_delete; DROP TABLE run_counts")
        #expect(try f.reader().runCounts(RunQuery()) == [.succeeded: 4, .failed: 3, .crashed: 1])
    }
}
