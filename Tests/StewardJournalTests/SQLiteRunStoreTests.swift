import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Testing

@Suite("SQLite run journal", .timeLimit(.minutes(1)))
struct SQLiteRunStoreTests {
    @Test("created and claimed runs are committed when the calls return: another connection sees them at once")
    func durableOnReturn() async throws {
        let f = try JournalFixture("durable")
        let store = f.open()
        try await store.createRun(f.record("r1"))
        let reader = try f.reader()
        #expect(try reader.run("r1")?.state == .queued)
        let claimed = try await store.claimRun("r1", startedAt: f.t0.addingTimeInterval(2))
        #expect(claimed.state == .running)
        #expect(try reader.run("r1")?.state == .running)
        #expect(try reader.run("r1")?.startedAt == f.t0.addingTimeInterval(2))
        await #expect(throws: RunStoreError.self) { _ = try await store.claimRun("r1", startedAt: f.t0) }
        await #expect(throws: RunStoreError.self) { try await store.createRun(f.record("r1")) }
        try await store.finishRun(f.finished(claimed, .failed))
        #expect(try reader.run("r1")?.state == .failed)
        await #expect(throws: RunStoreError.self) { try await store.finishRun(f.finished(claimed)) }
        await store.close()
    }

    @Test("every field of a record survives the file: instants to the millisecond, values, steps, links")
    func roundTrip() async throws {
        let f = try JournalFixture("roundtrip")
        let store = f.open()
        var record = RunRecord(runId: "full", jobId: "pipeline", trigger: .manual(requestedBy: "alice"), createdAt: f.t0.addingTimeInterval(0.1234),
                               scheduledFor: f.t0.addingTimeInterval(5), zone: "Europe/Paris",
                               input: ["n": 3, "name": "ünï [x]\n"], attempt: 2, retryOf: "first", parentRunId: "parent",
                               proceedOf: "paused")
        record.steps = ["fetch", "transform", "load"]
        try await store.createRun(record)
        _ = try await store.claimRun("full", startedAt: f.t0.addingTimeInterval(6))
        record.state = .running
        record.startedAt = f.t0.addingTimeInterval(6)
        record.lastCompletedStep = "transform"
        record.progress = RunProgress(message: "two of three", fraction: 0.66)
        try await store.updateRun(record)
        record.state = .interrupted
        record.finishedAt = f.t0.addingTimeInterval(7.5)
        record.output = ["rows": 42]
        record.exitCode = 3
        record.signal = 15
        record.error = "paused"
        record.errorDetail = "tail\nof stderr"
        try await store.finishRun(record)
        await store.close()

        let stored = try #require(try f.reader().run("full"))
        var expected = record
        expected.createdAt = Date(timeIntervalSince1970: (f.t0.addingTimeInterval(0.1234).timeIntervalSince1970 * 1000).rounded() / 1000)
        #expect(stored == expected)

        let reopened = f.open()
        #expect(try await reopened.run("full") == expected)
        let proceeded = try await reopened.markProceeded("full", by: "next")
        #expect(proceeded.proceededBy == "next")
        await #expect(throws: RunStoreError.self) { _ = try await reopened.markProceeded("full", by: "again") }
        #expect(try f.reader().run("full")?.proceededBy == "next")
        await reopened.close()
    }

    @Test("queries filter by job, state, since and parent, newest first, and merge the runs in memory")
    func queries() async throws {
        let f = try JournalFixture("queries")
        let store = f.open()
        try await store.createRun(f.record("1", job: "x", at: 0))
        try await store.createRun(f.record("2", job: "y", state: .skipped, at: 10))
        try await store.createRun(f.record("3", job: "x", state: .missed, at: 20))
        var child = f.record("4", job: "x", at: 30, trigger: .child)
        child.parentRunId = "1"
        try await store.createRun(child)
        #expect(try await store.runs(RunQuery()).map(\.runId) == ["4", "3", "2", "1"])
        #expect(try await store.runs(RunQuery(jobId: "x")).map(\.runId) == ["4", "3", "1"])
        #expect(try await store.runs(RunQuery(states: [.queued])).map(\.runId) == ["4", "1"])
        #expect(try await store.runs(RunQuery(since: f.t0.addingTimeInterval(10))).map(\.runId) == ["4", "3", "2"])
        #expect(try await store.runs(RunQuery(jobId: "x", limit: 2)).map(\.runId) == ["4", "3"])
        #expect(try await store.runs(RunQuery(parentRunId: "1")).map(\.runId) == ["4"])
        _ = try await store.claimRun("1", startedAt: f.t0)
        #expect(try await store.runs(RunQuery(states: [.running])).map(\.runId) == ["1"])
        let reader = try f.reader()
        #expect(try reader.runs(RunQuery(jobId: "x", states: [.queued, .running])).map(\.runId) == ["4", "1"])
        #expect(try reader.findRun("3").runId == "3")
        await #expect(throws: RunStoreError.self) { _ = try reader.findRun("nope") }
        await store.close()
    }

    @Test("log lines are byte-exact and capped with one marker; pages read the same before and after they are written")
    func logs() async throws {
        let f = try JournalFixture("logs")
        let store = f.open(JournalOptions(maximumLogLines: 4, retryInterval: .milliseconds(20)))
        try await store.createRun(f.record("r"))
        let texts = ["plain", "[brackets] {json: 1}", "multi\nline\r\n", "ünïcødé 🚀", "fifth", "sixth"]
        try await store.appendLog("r", texts.prefix(2).map { RunLogEntry(time: f.t0, source: .stdout, text: $0) })
        let early = try await store.readLog("r", from: 0, limit: nil)
        #expect(early.lines.map(\.text) == Array(texts.prefix(2)))
        #expect(!early.isComplete)
        try await store.appendLog("r", texts.dropFirst(2).map { RunLogEntry(time: f.t0, level: .error, source: .stderr, text: $0) })
        let claimed = try await store.claimRun("r", startedAt: f.t0)
        try await store.finishRun(f.finished(claimed))
        let page = try await store.readLog("r", from: 0, limit: nil)
        #expect(page.lines.map(\.text).prefix(4) == texts.prefix(4))
        #expect(page.lines.count == 5)
        #expect(page.lines[4].source == .system)
        #expect(page.lines[4].text.hasPrefix("[log truncated"))
        #expect(page.isComplete)
        #expect(try await store.readLog("r", from: 1, limit: 2).lines.map(\.offset) == [1, 2])
        var followed: [String] = []
        for try await line in store.followLog("r", from: 3) { followed.append(line.text) }
        #expect(followed.count == 2)
        await store.close()
        let fromFile = try f.reader().readLog("r", from: 0, limit: nil)
        #expect(fromFile.lines == page.lines)
        #expect(fromFile.isComplete)
    }

    @Test("a follower sees lines as they are appended and ends with the run")
    func follow() async throws {
        let f = try JournalFixture("follow")
        let store = f.open()
        try await store.createRun(f.record("r"))
        let claimed = try await store.claimRun("r", startedAt: f.t0)
        let collected = Task {
            var texts: [String] = []
            for try await line in store.followLog("r", from: 0) { texts.append(line.text) }
            return texts
        }
        let crossProcess = Task {
            var texts: [String] = []
            for try await line in try f.reader().followLog("r", from: 0, pollInterval: .milliseconds(10)) { texts.append(line.text) }
            return texts
        }
        for n in 1...50 { try await store.appendLog("r", [RunLogEntry(time: f.t0, text: "line \(n)")]) }
        try await store.finishRun(f.finished(claimed))
        let expected = (1...50).map { "line \($0)" }
        #expect(try await collected.value == expected)
        #expect(try await crossProcess.value == expected)
        await store.close()
    }

    @Test("a second steward cannot write the same journal: the file is locked to its first writer")
    func oneWriter() async throws {
        let f = try JournalFixture("lock")
        let first = f.open()
        try await first.createRun(f.record("mine"))
        let second = f.open()
        #expect(!second.health.isHealthy)
        #expect(second.health.reason?.contains("in use by another steward (pid \(getpid()))") == true)
        await #expect(throws: RunStoreError.self) { _ = try await second.recoverRuns(reason: "supervisor restart", at: f.t0) }
        #expect(try f.reader().run("mine")?.state == .queued)  // not recovered by the second
        #expect(try f.reader().writerIsAlive)
        await first.close()
        try await waitUntil("the second takes over once the first is gone") { second.health.isHealthy }
        await second.close()
        #expect(try !f.reader().writerIsAlive)
    }

    @Test("recovery: runs left running are crashed (supervisor restart), queued ones are handed back to run once")
    func recovery() async throws {
        let f = try JournalFixture("recovery")
        let before = f.open()
        try await before.createRun(f.record("running"))
        _ = try await before.claimRun("running", startedAt: f.t0)
        try await before.appendLog("running", [RunLogEntry(time: f.t0, text: "halfway")])
        try await before.createRun(f.record("queued", trigger: .later(requestedBy: "bob")))
        try await before.createRun(f.record("done", state: .succeeded))
        await before.close()

        let after = f.open()
        let recovery = try await after.recoverRuns(reason: "supervisor restart", at: f.t0.addingTimeInterval(60))
        #expect(recovery.crashed.map(\.runId) == ["running"])
        #expect(recovery.crashed.first?.error == "supervisor restart")
        #expect(recovery.queued.map(\.runId) == ["queued"])
        let crashed = try #require(try f.reader().run("running"))
        #expect(crashed.state == .crashed)
        #expect(crashed.finishedAt == f.t0.addingTimeInterval(60))
        #expect(try await after.readLog("running", from: 0, limit: nil).lines.map(\.text) == ["halfway"])
        // The queued run is this instance's now: it can be claimed once.
        let claimed = try await after.claimRun("queued", startedAt: f.t0.addingTimeInterval(61))
        #expect(claimed.trigger == .later(requestedBy: "bob"))
        await #expect(throws: RunStoreError.self) { _ = try await after.claimRun("queued", startedAt: f.t0) }
        try await after.appendLog("queued", [RunLogEntry(time: f.t0, text: "resumed")])
        try await after.finishRun(f.finished(claimed))
        await after.close()
        #expect(try f.reader().readLog("queued", from: 0, limit: nil).lines.map(\.text) == ["resumed"])
    }

    @Test("a definition's last fired instant is never older than the latest schedule fire a run records")
    func definitionState() async throws {
        let f = try JournalFixture("definitions")
        let store = f.open()
        #expect(try await store.definitionState("cron") == nil)
        try await store.saveDefinitionState(JobDefinitionState(jobId: "cron", isEnabled: false, lastFired: f.t0))
        var fired = f.record("fire", job: "cron")
        fired.scheduledFor = f.t0.addingTimeInterval(30)
        try await store.createRun(fired)
        await store.close()
        let reopened = f.open()
        let state = try await reopened.definitionState("cron")
        #expect(state?.isEnabled == false)
        #expect(state?.lastFired == f.t0.addingTimeInterval(30))
        var onlyRun = f.record("other", job: "never-saved")
        onlyRun.scheduledFor = f.t0
        try await reopened.createRun(onlyRun)
        #expect(try await reopened.definitionState("never-saved")?.lastFired == f.t0)
        await reopened.close()
    }
}
