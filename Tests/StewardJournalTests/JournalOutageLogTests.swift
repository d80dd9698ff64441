import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Testing

/// What an operator reads in steward's log while the journal cannot be written: one warning when
/// the outage starts, a reminder at most once per interval, one notice when it ends — never a
/// warning per write or per run.
@Suite("SQLite run journal outages in the log", .timeLimit(.minutes(1)))
struct JournalOutageLogTests {
    static let bulky = String(repeating: "x", count: 2000)

    /// Makes the journal "full" for as long as `limitPages(nil)` is not called: the file may not
    /// grow, and lines too bulky for the pages it has wait to be written (as on a full disk).
    static func fill(_ f: JournalFixture, _ store: SQLiteRunStore) async throws {
        try await store.createRun(f.record("bulky"))
        store.limitPages(1)
        try await store.appendLog("bulky", (1...40).map { RunLogEntry(time: f.t0, text: "\($0) \(bulky)") })
        try await waitUntil("the journal reported full") { !store.health.isHealthy }
    }

    static func options(reminders: Duration, backlog: Int = 20_000) -> JournalOptions {
        JournalOptions(busyTimeout: .milliseconds(200), retryInterval: .milliseconds(20), backlogLines: backlog,
                       outageReminderInterval: reminders)
    }

    @Test("job runs during an outage add no warnings: one when it starts, one notice with what was kept and dropped when it ends")
    func oneWarningPerOutage() async throws {
        let f = try JournalFixture("outage-log")
        let store = f.open(Self.options(reminders: .seconds(3600), backlog: 40))
        let scheduler = JobScheduler(store: store, options: JobSchedulerOptions(logger: Logger(label: "jobs", sink: f.logs, level: .debug)))
        try await scheduler.define(JobDefinition(id: "chatty") { context in
            context.log("working")
            context.reportProgress(fraction: 0.5)
            return .null
        })
        await scheduler.start()
        try await Self.fill(f, store)
        var runs: [RunID] = []
        for _ in 1...3 {
            let runId = try await scheduler.trigger("chatty")
            #expect(await scheduler.waitForCompletion(of: runId)?.state == .succeeded)
            runs.append(runId)
        }
        let warnings = f.logs.records.filter { $0.level >= .warning }
        #expect(warnings.map(\.message) == ["the journal cannot be written; jobs go on, their records wait in memory"])
        #expect(warnings.first?.metadata["reason"]?.hasPrefix("disk full") == true)

        store.limitPages(nil)
        try await waitUntil("the journal written again") { f.logs.records.contains { $0.message == "the journal is written again" } }
        let notice = try #require(f.logs.records.first { $0.message == "the journal is written again" })
        #expect(notice.level == .notice)
        // The three runs' records; the bulky lines and each run's note that its line was dropped
        // (the backlog was full).
        #expect(Int(notice.metadata["records_written"] ?? "") ?? 0 >= 3, "\(notice.metadata)")
        #expect(notice.metadata["lines_written"] == "43", "\(notice.metadata)")
        #expect(notice.metadata["lines_dropped"] == "3", "\(notice.metadata)")
        #expect(notice.metadata["down_for"] != nil)
        #expect(f.logs.records.filter { $0.level >= .warning }.count == 1)
        await scheduler.shutdown()
        await store.close()
        for runId in runs { #expect(try f.reader().run(runId)?.state == .succeeded) }
    }

    @Test("a long outage is recalled at most once per interval, with what waits and what was dropped")
    func reminders() async throws {
        let f = try JournalFixture("outage-remind")
        let interval = Duration.milliseconds(200)
        let store = f.open(Self.options(reminders: interval, backlog: 45))
        let started = ContinuousClock.now
        try await Self.fill(f, store)
        try? await store.createRun(f.record("waiting", at: 1))  // not durable now, but kept
        try await store.appendLog("waiting", (1...5).map { RunLogEntry(time: f.t0, text: "line \($0)") })  // fills the backlog
        try await store.appendLog("waiting", (6...10).map { RunLogEntry(time: f.t0, text: "line \($0)") })  // dropped
        let reminder = "the journal still cannot be written"
        // Two reminders, the last one after the writer took the appended lines (under load the
        // first ones may come before).
        try await waitUntil("two reminders, the last with the backlog") {
            let reminders = f.logs.records.filter { $0.message == reminder }
            return reminders.count >= 2 && reminders.last?.metadata["lines_dropped"] == "5"
        }
        let elapsed = ContinuousClock.now - started
        let reminders = f.logs.records.filter { $0.message == reminder }
        #expect(reminders.count <= Int(elapsed / interval) + 1, "\(reminders.count) reminders in \(elapsed)")
        let last = try #require(reminders.last)
        #expect(last.level == .warning)
        #expect(last.metadata["reason"]?.hasPrefix("disk full") == true)
        #expect(last.metadata["records_waiting"] == "1", "\(last.metadata)")  // the waiting run's (bulky's is written)
        #expect(last.metadata["lines_waiting"] == "45", "\(last.metadata)")
        #expect(last.metadata["lines_dropped"] == "5", "\(last.metadata)")
        #expect(last.metadata["down_for"] != nil)
        #expect(f.logs.records.filter { $0.message.hasPrefix("the journal cannot be written") }.count == 1)
        await store.close()
    }
}
