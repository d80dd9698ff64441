import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("In-memory run store", .timeLimit(.minutes(1)))
struct RunStoreTests {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func record(_ id: RunID, job: JobID = "j", state: RunState = .queued, at offset: TimeInterval = 0) -> RunRecord {
        RunRecord(runId: id, jobId: job, trigger: .schedule, state: state, createdAt: t0.plus(offset))
    }

    @Test("a run's log is capped: one truncation marker, later lines dropped and counted")
    func logCap() async throws {
        let store = InMemoryRunStore(maximumLogBytes: 1000, maximumLogLines: 3)
        try await store.createRun(record("r"))
        let entries = (1...5).map { RunLogEntry(time: t0, text: "line \($0)") }
        try await store.appendLog("r", Array(entries.prefix(2)))
        try await store.appendLog("r", Array(entries.suffix(3)))
        let lines = try await store.readLog("r", from: 0, limit: nil).lines
        #expect(lines.map(\.text).prefix(3) == ["line 1", "line 2", "line 3"])
        #expect(lines.count == 4)
        #expect(lines[3].source == .system)
        #expect(lines[3].level == .warning)
        #expect(lines[3].text.hasPrefix("[log truncated"))
        #expect(store.droppedLogLines("r") == 2)

        let bytes = InMemoryRunStore(maximumLogBytes: 10, maximumLogLines: 100)
        try await bytes.createRun(record("b"))
        try await bytes.appendLog("b", [RunLogEntry(time: t0, text: "12345"), RunLogEntry(time: t0, text: "123456"),
                                        RunLogEntry(time: t0, text: "1")])
        #expect(try await bytes.readLog("b", from: 0, limit: nil).lines.map(\.text).first == "12345")
        #expect(try await bytes.readLog("b", from: 0, limit: nil).lines.count == 2)
    }

    @Test("claim, finish and proceed marks are compare-and-set")
    func compareAndSet() async throws {
        let store = InMemoryRunStore()
        try await store.createRun(record("a"))
        await #expect(throws: RunStoreError.self) { try await store.createRun(record("a")) }
        let claimed = try await store.claimRun("a", startedAt: t0.plus(1))
        #expect(claimed.state == .running && claimed.startedAt == t0.plus(1))
        do {
            _ = try await store.claimRun("a", startedAt: t0)
            Issue.record("claimed twice")
        } catch {
            #expect(error.kind == .conflict)
        }
        var done = claimed
        done.state = .interrupted
        done.finishedAt = t0.plus(2)
        try await store.finishRun(done)
        do {
            try await store.finishRun(done)
            Issue.record("finished twice")
        } catch {
            #expect(error.kind == .conflict)
        }
        do {
            try await store.updateRun(done)
            Issue.record("updated a final run")
        } catch {
            #expect(error.kind == .conflict)
        }
        _ = try await store.markProceeded("a", by: "b")
        do {
            _ = try await store.markProceeded("a", by: "c")
            Issue.record("proceeded twice")
        } catch {
            #expect(error.kind == .conflict)
        }
        do {
            _ = try await store.run("zzz").map { _ in () }
            _ = try await store.claimRun("zzz", startedAt: t0)
            Issue.record("claimed an unknown run")
        } catch {
            #expect(error.kind == .unknownRun)
        }
    }

    @Test("queries filter by job, state and creation time, newest first, with a limit")
    func queries() async throws {
        let store = InMemoryRunStore()
        try await store.createRun(record("1", job: "x", state: .queued, at: 0))
        try await store.createRun(record("2", job: "y", state: .skipped, at: 10))
        try await store.createRun(record("3", job: "x", state: .missed, at: 20))
        try await store.createRun(record("4", job: "x", state: .queued, at: 30))
        #expect(try await store.runs(RunQuery()).map(\.runId) == ["4", "3", "2", "1"])
        #expect(try await store.runs(RunQuery(jobId: "x")).map(\.runId) == ["4", "3", "1"])
        #expect(try await store.runs(RunQuery(states: [.queued])).map(\.runId) == ["4", "1"])
        #expect(try await store.runs(RunQuery(since: t0.plus(10))).map(\.runId) == ["4", "3", "2"])
        #expect(try await store.runs(RunQuery(jobId: "x", limit: 2)).map(\.runId) == ["4", "3"])
    }

    @Test("starting a scheduler marks runs a previous instance left running as crashed (supervisor restart)")
    func crashRecovery() async throws {
        let store = InMemoryRunStore()
        try await store.createRun(record("left-running"))
        _ = try await store.claimRun("left-running", startedAt: t0)
        try await store.createRun(record("done", state: .succeeded))
        let h = Harness(store: store)
        await h.scheduler.start()
        let crashed = try await store.run("left-running")
        #expect(crashed?.state == .crashed)
        #expect(crashed?.error == "supervisor restart")
        #expect(crashed?.finishedAt == h.clock.now)
        #expect(try await store.run("done")?.state == .succeeded)
        await h.scheduler.shutdown()
    }

    @Test("requests a previous instance left queued run once each, at their time, under their own run id")
    func queuedRequestsRunOnce() async throws {
        let store = InMemoryRunStore()
        let h = Harness(store: store)
        let executed = Recorder<RunID>()
        try await h.scheduler.define(JobDefinition(id: "j") { context in
            executed.record(context.runId)
            return .null
        })
        try await store.createRun(RunRecord(runId: "now", jobId: "j", trigger: .manual(requestedBy: "alice"), createdAt: t0))
        try await store.createRun(RunRecord(runId: "later", jobId: "j", trigger: .later(), createdAt: t0,
                                            scheduledFor: h.clock.now.plus(60)))
        try await store.createRun(RunRecord(runId: "gone", jobId: "removed", trigger: .manual(), createdAt: t0))
        try await store.createRun(RunRecord(runId: "child", jobId: "j", trigger: .child, createdAt: t0, parentRunId: "p"))
        await h.scheduler.start()
        let ran = try await h.waitFor("now", .succeeded)
        #expect(ran.trigger == .manual(requestedBy: "alice"))
        let gone = try await h.waitFor("gone", .crashed)
        #expect(gone.error?.contains("no longer defined") == true)
        #expect(try await h.waitFor("child", .crashed).error?.contains("without its parent") == true)
        #expect(try await store.run("later")?.state == .queued)
        await h.clock.waitForWallSleeper(until: h.clock.now.plus(60))
        h.clock.advance(by: .seconds(60))
        _ = try await h.waitFor("later", .succeeded)
        #expect(executed.all.sorted() == ["later", "now"])
        await h.scheduler.shutdown()
    }

    @Test("a failing journal degrades the records but never stops the jobs")
    func failingJournal() async throws {
        let clock = ManualJobClock()
        let logs = MemoryLogSink()
        let scheduler = JobScheduler(store: BrokenStore(), clock: clock,
                                     options: JobSchedulerOptions(logger: Logger(label: "jobs", sink: logs)))
        try await scheduler.define(JobDefinition(id: "still-runs") { context in
            context.log("working")
            context.reportProgress(fraction: 0.5)
            return "done"
        })
        await scheduler.start()
        let runId = try await scheduler.trigger("still-runs")
        let record = await scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .succeeded)
        #expect(record?.output == "done")
        #expect(logs.records.contains { $0.message == "journal write failed" })
        await scheduler.shutdown()
    }
}

/// A journal whose storage is gone: every call fails.
private struct BrokenStore: RunStore {
    private var failure: RunStoreError { RunStoreError(.unavailable, message: "disk full") }
    func createRun(_ record: RunRecord) async throws(RunStoreError) { throw failure }
    func claimRun(_ runId: RunID, startedAt: Date) async throws(RunStoreError) -> RunRecord { throw failure }
    func updateRun(_ record: RunRecord) async throws(RunStoreError) { throw failure }
    func updateProgress(_ runId: RunID, _ progress: RunProgress) async throws(RunStoreError) { throw failure }
    func finishRun(_ record: RunRecord) async throws(RunStoreError) { throw failure }
    func markProceeded(_ runId: RunID, by newRunId: RunID) async throws(RunStoreError) -> RunRecord { throw failure }
    func appendLog(_ runId: RunID, _ entries: [RunLogEntry]) async throws(RunStoreError) { throw failure }
    func run(_ runId: RunID) async throws(RunStoreError) -> RunRecord? { throw failure }
    func runs(_ query: RunQuery) async throws(RunStoreError) -> [RunRecord] { throw failure }
    func readLog(_ runId: RunID, from offset: Int, limit: Int?) async throws(RunStoreError) -> RunLogPage { throw failure }
    func followLog(_ runId: RunID, from offset: Int) -> RunLogFollow {
        RunLogFollow(from: offset, read: { (_: Int) throws(RunStoreError) -> RunLogPage in throw failure }, waitForMore: { _ in })
    }
    func recoverRuns(reason: String, at instant: Date) async throws(RunStoreError) -> RunRecovery { throw failure }
    func definitionState(_ jobId: JobID) async throws(RunStoreError) -> JobDefinitionState? { throw failure }
    func saveDefinitionState(_ state: JobDefinitionState) async throws(RunStoreError) { throw failure }
}

@Suite("In-memory run store retention")
struct RunStoreRetentionTests {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func record(_ id: RunID, job: JobID = "j", state: RunState = .queued, at offset: TimeInterval = 0) -> RunRecord {
        RunRecord(runId: id, jobId: job, trigger: .schedule, state: state, createdAt: t0.plus(offset))
    }

    @Test("only the newest ended runs of each job are kept; active runs and other jobs are untouched")
    func endedRunsAreCapped() async throws {
        let store = InMemoryRunStore(maximumEndedRunsPerJob: 2)
        try await store.createRun(record("active", state: .queued, at: 0))
        for n in 1...4 {
            try await store.createRun(record(RunID("ended-\(n)"), at: TimeInterval(n)))
            _ = try await store.claimRun(RunID("ended-\(n)"), startedAt: t0.plus(TimeInterval(n)))
            var done = record(RunID("ended-\(n)"), state: .succeeded, at: TimeInterval(n))
            done.startedAt = t0.plus(TimeInterval(n))
            done.finishedAt = t0.plus(TimeInterval(n))
            try await store.finishRun(done)
        }
        try await store.createRun(record("skipped", state: .skipped, at: 5))
        try await store.createRun(record("other", job: "k", state: .skipped, at: 6))
        let kept = Set(try await store.runs(RunQuery()).map(\.runId.rawValue))
        #expect(kept == ["active", "ended-4", "skipped", "other"])
        #expect(try await store.run("ended-1") == nil)
        #expect(try await store.readLog("ended-4", from: 0, limit: nil).lines.isEmpty)
    }
}
