import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Synchronization
import Testing

/// A journal file damaged behind steward's back (a disk error, another program writing into it):
/// SQLite's own checks must show as the journal's health, never as a healthy journal.
@Suite("SQLite run journal with a corrupt file", .timeLimit(.minutes(1)))
struct JournalCorruptionTests {
    /// A journal of `count` ended runs: enough rows that the `runs` table spans several pages,
    /// under an interior root page.
    static func populated(_ f: JournalFixture, _ count: Int = 300) async throws -> SQLiteRunStore {
        let store = f.open()
        for n in 1...count {
            try await store.createRun(f.record(RunID("old-\(n)"), state: .succeeded, at: Double(n)))
        }
        return store
    }

    /// Moves everything in the WAL into the file (so the pages read next come from the file, and
    /// every connection's page cache is invalidated), then overwrites the root page of `table`
    /// with garbage, as a disk error or a stray writer would.
    static func corrupt(_ f: JournalFixture, table: String = "runs") throws {
        let surgeon = try SQLiteConnection(path: f.path, readOnly: false)
        try surgeon.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let root = try #require(try surgeon.statement("SELECT rootpage FROM sqlite_schema WHERE name = ?").first([.text(table)]) { $0.int64(0) })
        let pageSize = try surgeon.integerPragma("page_size")
        #expect(try surgeon.integerPragma("page_count") > 10, "the journal should span several pages")
        let handle = try #require(FileHandle(forUpdatingAtPath: f.path))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        try handle.write(contentsOf: Data((0..<Int(pageSize)).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }))
        try handle.close()
    }

    @Test("a file corrupted under a running journal turns it unhealthy at the next write, with a reason naming the corruption")
    func corruptedWhileRunning() async throws {
        let f = try JournalFixture("corrupt-live")
        let store = try await Self.populated(f)
        let seen = Mutex<[JournalHealth]>([])
        store.observeHealth { health in seen.withLock { $0.append(health) } }
        #expect(store.health.isHealthy)
        try Self.corrupt(f)

        await #expect(throws: RunStoreError.self) { try await store.createRun(f.record("after", at: 1000)) }
        let reason = try #require(store.health.reason)
        #expect(!store.health.isHealthy)
        #expect(reason.hasPrefix("journal corrupt: "), "\(reason)")
        try await waitUntil("the health observers told") { seen.withLock { $0.last?.reason } == reason }
        // The run goes on in memory, and the journal stays down: it does not write over the damage.
        #expect(try await store.run("after")?.state == .queued)
        await #expect(throws: RunStoreError.self) { try await store.createRun(f.record("later", at: 1001)) }
        #expect(store.health.reason?.hasPrefix("journal corrupt: ") == true)
        #expect(f.logs.records.filter { $0.level == .warning && $0.message.contains("corrupt") }.count == 1)
        await store.close()
    }

    @Test("a corruption a read runs into turns the journal unhealthy too")
    func corruptionFoundByARead() async throws {
        let f = try JournalFixture("corrupt-read")
        let store = try await Self.populated(f)
        try Self.corrupt(f)
        await #expect(throws: RunStoreError.self) { _ = try await store.run("old-1") }
        #expect(store.health.reason?.hasPrefix("journal corrupt: ") == true, "\(store.health)")
        await store.close()
    }

    @Test("a corrupt file is found when the journal opens: unhealthy at once, and the file is left as it was")
    func corruptAtOpen() async throws {
        let f = try JournalFixture("corrupt-open")
        try await Self.populated(f).close()
        try Self.corrupt(f)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: f.path))

        let store = f.open()
        #expect(!store.health.isHealthy)
        #expect(store.health.reason?.hasPrefix("journal corrupt: ") == true, "\(store.health)")
        await #expect(throws: RunStoreError.self) { try await store.createRun(f.record("new", at: 1000)) }
        await store.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.path)) == damaged)
    }

    @Test("once the corrupt file is moved away, a new journal is started and what was kept in memory is written to it")
    func corruptFileReplaced() async throws {
        let f = try JournalFixture("corrupt-replaced")
        try await Self.populated(f).close()
        try Self.corrupt(f)
        let store = f.open()
        #expect(!store.health.isHealthy)
        await #expect(throws: RunStoreError.self) { try await store.createRun(f.record("kept", at: 1000)) }

        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: f.path + suffix) {
            try FileManager.default.moveItem(atPath: f.path + suffix, toPath: f.path + suffix + ".damaged")
        }
        try await waitUntil("the journal healthy on a new file") { store.health.isHealthy }
        // Reads follow to the new file (the damaged one is not read again, nor blamed on the new one).
        #expect(try await store.run("old-1") == nil)
        #expect(try await store.runs(RunQuery()).map(\.runId) == ["kept"])
        #expect(store.health.isHealthy)
        await store.close()
        #expect(try f.reader().run("kept")?.state == .queued)
        #expect(f.logs.records.contains { $0.level == .notice && $0.message.contains("written again") })
    }
}
