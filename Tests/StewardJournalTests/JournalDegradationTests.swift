import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Synchronization
import Testing

@Suite("SQLite run journal under pressure", .timeLimit(.minutes(1)))
struct JournalDegradationTests {
    @Test("100 progress updates a second: a concurrent reader never sees a torn record, and writes are coalesced")
    func progressNeverTorn() async throws {
        let f = try JournalFixture("progress")
        let store = f.open()
        try await store.createRun(f.record("busy"))
        _ = try await store.claimRun("busy", startedAt: f.t0)
        let stop = StopFlag()
        // A reader on its own connection, like `steward run show` in another process.
        let reader = try f.reader()
        let checks = Task.detached { () throws -> (reads: Int, torn: [String]) in
            var reads = 0
            var torn: [String] = []
            while !stop.value.load(ordering: .relaxed) {
                guard let record = try reader.run("busy") else { continue }
                reads += 1
                if let message = record.progress.message {
                    let n = Int(message.dropFirst("step ".count)) ?? -1
                    if record.progress.fraction != Double(n) / 100 { torn.append("\(message) with \(record.progress.fraction ?? -1)") }
                }
            }
            return (reads, torn)
        }
        let writesBefore = store.recordWrites
        let started = ContinuousClock.now
        for n in 1...100 {
            try await store.updateProgress("busy", RunProgress(message: "step \(n)", fraction: Double(n) / 100))
            try await Task.sleep(for: .milliseconds(10))
        }
        let elapsed = ContinuousClock.now - started
        try await waitUntil("the last progress on disk") { try reader.run("busy")?.progress.message == "step 100" }
        stop.value.store(true, ordering: .relaxed)
        let (reads, torn) = try await checks.value
        #expect(torn.isEmpty)
        #expect(reads > 0)
        // One write per 100 ms interval at most (plus the one that lands the last value).
        let intervals = Int(elapsed / .milliseconds(100)) + 2
        #expect(store.recordWrites - writesBefore <= intervals)
        #expect(store.recordWrites - writesBefore >= 2)
        await store.close()
    }

    @Test("a full disk degrades the journal: runs go on in memory and everything is written once space is back")
    func diskFull() async throws {
        let f = try JournalFixture("full")
        let store = f.open(JournalOptions(retryInterval: .milliseconds(20), backlogLines: 50))
        try await store.createRun(f.record("before"))
        store.limitPages(1)  // the file may not grow: SQLITE_FULL, as on a full disk
        let claimed = try await store.claimRun("before", startedAt: f.t0)  // fits in the pages it has
        let bulky = String(repeating: "x", count: 2000)
        try await store.appendLog("before", (1...40).map { RunLogEntry(time: f.t0, text: "\($0) \(bulky)") })
        try await waitUntil("the journal reported full") { !store.health.isHealthy }
        #expect(store.health.reason?.hasPrefix("disk full") == true)
        // Durable writes say so, but nothing is lost: the run is still there, with its lines.
        await #expect(throws: RunStoreError.self) { try await store.createRun(f.record("during")) }
        try await store.appendLog("before", (41...100).map { RunLogEntry(time: f.t0, text: "\($0)") })  // past the backlog: dropped
        #expect(try await store.run("during")?.state == .queued)
        #expect(try await store.readLog("before", from: 0, limit: nil).lines.count == 40)
        #expect(f.logs.records.contains { $0.message.contains("cannot be written") })

        store.limitPages(nil)  // space is back
        try await waitUntil("the journal healthy again") { store.health.isHealthy }
        await #expect(throws: Never.self) { try await store.finishRun(f.finished(claimed)) }
        await store.close()
        let reader = try f.reader()
        #expect(try reader.run("during")?.state == .queued)
        let lines = try reader.readLog("before", from: 0, limit: nil).lines
        #expect(lines.count == 41)
        #expect(lines.last?.text == "[60 log lines were dropped: the journal could not be written fast enough, or at all]")
        #expect(try reader.run("before")?.state == .succeeded)
    }

    @Test("a lock held past the busy timeout reports the journal locked; it recovers when the lock goes")
    func locked() async throws {
        let f = try JournalFixture("locked")
        let store = f.open()
        try await store.createRun(f.record("r"))
        let blocker = try SQLiteConnection(path: f.path, readOnly: false)
        try blocker.execute("BEGIN EXCLUSIVE")
        await #expect(throws: RunStoreError.self) { _ = try await store.claimRun("r", startedAt: f.t0) }
        #expect(store.health.reason?.hasPrefix("locked") == true)
        #expect(try await store.run("r")?.state == .running)  // the claim holds in memory
        try blocker.execute("COMMIT")
        try await waitUntil("the journal healthy again") { store.health.isHealthy }
        await store.close()
        #expect(try f.reader().run("r")?.state == .running)
    }

    @Test("recovery asked while the journal is locked happens once it is free, sparing the runs this steward started meanwhile")
    func deferredRecovery() async throws {
        let f = try JournalFixture("deferred")
        let before = f.open()
        try await before.createRun(f.record("left"))
        _ = try await before.claimRun("left", startedAt: f.t0)
        await before.close()

        let store = f.open()
        try await store.createRun(f.record("mine", at: 5))
        _ = try await store.claimRun("mine", startedAt: f.t0.addingTimeInterval(5))  // on disk, running
        let blocker = try SQLiteConnection(path: f.path, readOnly: false)
        try blocker.execute("BEGIN EXCLUSIVE")
        try await store.appendLog("mine", [RunLogEntry(time: f.t0, text: "while locked")])
        try await waitUntil("the journal reported locked") { !store.health.isHealthy }
        await #expect(throws: RunStoreError.self) { _ = try await store.recoverRuns(reason: "supervisor restart", at: f.t0) }
        try blocker.execute("COMMIT")
        try await waitUntil("the journal healthy again") { store.health.isHealthy }
        await store.close()
        let reader = try f.reader()
        #expect(try reader.run("left")?.state == .crashed)
        #expect(try reader.run("left")?.error == "supervisor restart")
        #expect(try reader.run("mine")?.state == .running)
    }

    @Test("a journal from a newer steward is refused, by the writer and by readers, with an error that says so")
    func newerSchema() async throws {
        let f = try JournalFixture("schema")
        let first = f.open()
        await first.close()
        let editor = try SQLiteConnection(path: f.path, readOnly: false)
        try editor.execute("PRAGMA user_version = \(JournalSchema.currentVersion + 1)")
        let store = f.open()
        #expect(!store.health.isHealthy)
        #expect(store.health.reason?.contains("schema version \(JournalSchema.currentVersion + 1) is newer than this steward understands") == true)
        #expect(throws: RunStoreError.self) { _ = try f.reader() }
        do {
            _ = try f.reader()
        } catch {
            #expect("\(error)".contains("newer than this steward understands"))
        }
        await store.close()
    }

    @Test("a file that is not a journal is refused, not written over")
    func notAJournal() async throws {
        let f = try JournalFixture("foreign")
        let other = try SQLiteConnection(path: f.path, readOnly: false, create: true)
        try other.execute("CREATE TABLE mine (x INTEGER)")
        let store = f.open()
        #expect(store.health.reason?.contains("not a steward journal") == true)
        await store.close()
        #expect(try other.statement("SELECT count(*) FROM sqlite_schema").first { $0.int64(0) } == 1)
    }

    @Test("close checkpoints the WAL into the file: the -wal file is gone and another process reads everything")
    func closeCheckpoints() async throws {
        let f = try JournalFixture("checkpoint")
        let store = f.open()
        for n in 1...20 { try await store.createRun(f.record(RunID("r\(n)"), state: .succeeded, at: Double(n))) }
        await store.close()
        #expect(!FileManager.default.fileExists(atPath: f.path + "-wal"))
        #expect(try f.reader().runs(RunQuery()).count == 20)
        let mode = try FileManager.default.attributesOfItem(atPath: f.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
