import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Testing

@Suite("Journal retention", .timeLimit(.minutes(1)))
struct RetentionTests {
    private let day: Duration = .seconds(86_400)

    /// Writes an ended run of `job` that finished `hoursAgo` before `now`.
    private func ended(_ store: SQLiteRunStore, _ f: JournalFixture, _ id: RunID, job: JobID = "j", state: RunState = .succeeded,
                       hoursAgo: Double, now: Date) async throws {
        var record = f.record(id, job: job)
        record.createdAt = now.addingTimeInterval(-hoursAgo * 3600 - 1)
        try await store.createRun(record)
        try await store.appendLog(id, [RunLogEntry(time: record.createdAt, text: "output of \(id)")])
        record = try await store.claimRun(id, startedAt: record.createdAt)
        record.state = state
        record.finishedAt = now.addingTimeInterval(-hoursAgo * 3600)
        try await store.finishRun(record)
    }

    @Test("with a one-day rule a run 25 hours old goes and one 23 hours old stays, its log with it")
    func ageBoundary() async throws {
        let f = try JournalFixture("age")
        let store = f.open()
        let now = f.t0
        try await ended(store, f, "old", hoursAgo: 25, now: now)
        try await ended(store, f, "young", hoursAgo: 23, now: now)
        try await ended(store, f, "old-failure", state: .failed, hoursAgo: 25, now: now)  // no rule for failures here
        let policy = RetentionPolicy(maximumAge: [.succeeded: day], keepLast: 0)
        let report = try await store.prune(policy, now: now)
        #expect(report.runs == 1)
        #expect(report.logLines == 1)
        await store.close()
        let reader = try f.reader()
        #expect(try reader.runs(RunQuery()).map(\.runId).sorted() == ["old-failure", "young"])
        #expect(try reader.run("old") == nil)
        await #expect(throws: RunStoreError.self) { _ = try reader.readLog("old", from: 0, limit: nil) }
    }

    @Test("keep-last-N wins over age: the newest N runs of each job stay however old")
    func keepLastWins() async throws {
        let f = try JournalFixture("keeplast")
        let store = f.open()
        let now = f.t0
        for n in 1...5 { try await ended(store, f, RunID("a\(n)"), job: "a", hoursAgo: Double(100 - n), now: now) }
        for n in 1...2 { try await ended(store, f, RunID("b\(n)"), job: "b", hoursAgo: Double(100 - n), now: now) }
        let report = try await store.prune(RetentionPolicy(maximumAge: [.succeeded: day], keepLast: 3), now: now)
        #expect(report.runs == 2)
        #expect(try await store.runs(RunQuery(jobId: "a")).map(\.runId) == ["a5", "a4", "a3"])
        #expect(try await store.runs(RunQuery(jobId: "b")).map(\.runId) == ["b2", "b1"])
        await store.close()
    }

    @Test("active runs are never removed, and a large clean-up goes in bounded batches")
    func activeAndBatches() async throws {
        let f = try JournalFixture("batches")
        let store = f.open()
        let now = f.t0
        var active = f.record("still-running")
        active.createdAt = now.addingTimeInterval(-90 * 86_400)
        try await store.createRun(active)
        _ = try await store.claimRun("still-running", startedAt: active.createdAt)
        var queued = f.record("waiting")
        queued.createdAt = now.addingTimeInterval(-90 * 86_400)
        try await store.createRun(queued)
        for n in 1...25 { try await ended(store, f, RunID("r\(n)"), hoursAgo: 24 * 40, now: now) }
        var passes: [Int] = []
        let report = try await store.prune(RetentionPolicy(keepLast: 0, batchSize: 10), now: now)
        passes.append(report.batches)
        #expect(report.runs == 25)
        #expect(report.batches == 3)
        #expect(try await store.runs(RunQuery()).map(\.runId).sorted() == ["still-running", "waiting"])
        await store.close()
    }

    @Test("the retention job runs on its schedule in the scheduler, on the scheduler's clock")
    func asAJob() async throws {
        let f = try JournalFixture("job")
        let store = f.open()
        let clock = ManualJobClock(now: f.t0)
        let scheduler = JobScheduler(store: store, clock: clock,
                                     options: JobSchedulerOptions(logger: Logger(label: "jobs", sink: MemoryLogSink())))
        try await ended(store, f, "ancient", hoursAgo: 24 * 20, now: f.t0)
        try await ended(store, f, "recent", hoursAgo: 1, now: f.t0)
        let schedule = try IntervalSchedule(every: .seconds(3600), anchor: f.t0)
        try await scheduler.define(.journalRetention(store, policy: RetentionPolicy(keepLast: 0), schedule: schedule))
        await scheduler.start()
        await clock.waitForWallSleeper(until: f.t0.addingTimeInterval(3600))
        clock.advance(by: .seconds(3600))
        try await waitUntil("the retention run") {
            try await store.runs(RunQuery(jobId: "journal-retention", states: [.succeeded])).count == 1
        }
        let run = try #require(try await store.runs(RunQuery(jobId: "journal-retention")).first)
        #expect(run.output == ["runs": 1, "logLines": 1, "auditEntries": 0])
        #expect(try await store.readLog(run.runId, from: 0, limit: nil).lines.map(\.text) == ["removed 1 runs and 1 log lines in 1 batches"])
        #expect(try await store.run("ancient") == nil)
        #expect(try await store.run("recent") != nil)
        await scheduler.shutdown()
        await store.close()
    }
}
