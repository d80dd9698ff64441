import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Testing
import TestSupport

/// The journal's own directory under a directory every user can write (the default
/// `/tmp/steward-UID`), and its lock file: nothing another user prepared there is trusted.
/// The tests run as root, and make the other user's things with `chown`.
@Suite("SQLite run journal in a private directory", .timeLimit(.minutes(1)))
struct JournalPrivateDirectoryTests {
    /// A scratch stand-in for `/tmp`, and a journal in `steward-UID` under it.
    struct SharedTemp {
        let shared: TemporaryDirectory
        let directory: String
        let path: String
        let logs = MemoryLogSink(capacity: 100)

        init(_ label: String) throws {
            shared = try TemporaryDirectory(label)
            #expect(chmod(shared.path, 0o1777) == 0)
            directory = shared.file("steward-\(geteuid())")
            path = directory + "/journal.sqlite"
        }

        func open() -> SQLiteRunStore {
            SQLiteRunStore(path: path, options: JournalOptions(retryInterval: .milliseconds(20), privateDirectory: true),
                           logger: Logger(label: "journal", sink: logs))
        }

        var journalCreated: Bool { FileManager.default.fileExists(atPath: path) }
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    /// Passes on the code before the check too (its `mkdir` already used 0700): it guards the
    /// check against refusing steward's own directory, new or kept from an earlier run.
    @Test("a missing directory is created with mode 0700; an existing one of this user's, not writable by others, is used as it is")
    func ownDirectory() async throws {
        let t = try SharedTemp("private-new")
        let store = t.open()
        #expect(store.health.isHealthy, "\(store.health)")
        #expect(Self.mode(t.directory) == 0o700)
        try await store.createRun(RunRecord(runId: "r", jobId: "j", trigger: .manual(), createdAt: Date()))
        await store.close()
        #expect(Self.mode(t.path) == 0o600)

        #expect(chmod(t.directory, 0o755) == 0)
        let again = t.open()
        #expect(again.health.isHealthy, "\(again.health)")
        #expect(try await again.run("r")?.state == .queued)
        await again.close()
        #expect(Self.mode(t.directory) == 0o755)
    }

    @Test("a directory another user created first is refused, naming it and its owner; nothing is written in it")
    func ownedByAnother() async throws {
        let t = try SharedTemp("private-theirs")
        try FileManager.default.createDirectory(atPath: t.directory, withIntermediateDirectories: false)
        #expect(chmod(t.directory, 0o700) == 0)
        #expect(chown(t.directory, 65534, 65534) == 0)
        let store = t.open()
        let reason = try #require(store.health.reason)
        #expect(reason.contains("refusing the directory \(t.directory)"), "\(reason)")
        #expect(reason.contains("owned by uid 65534"), "\(reason)")
        await #expect(throws: RunStoreError.self) { try await store.createRun(RunRecord(runId: "r", jobId: "j", trigger: .manual(), createdAt: Date())) }
        await store.close()
        #expect(!t.journalCreated)
        #expect(!FileManager.default.fileExists(atPath: t.path + ".lock"))
    }

    @Test("a directory others can write is refused, naming its mode")
    func writableByOthers() async throws {
        let t = try SharedTemp("private-open")
        try FileManager.default.createDirectory(atPath: t.directory, withIntermediateDirectories: false)
        #expect(chmod(t.directory, 0o777) == 0)
        let store = t.open()
        let reason = try #require(store.health.reason)
        #expect(reason.contains("refusing the directory \(t.directory)"), "\(reason)")
        #expect(reason.contains("writable by its group or others (mode 0777)"), "\(reason)")
        await store.close()
        #expect(!t.journalCreated)
    }

    @Test("a symbolic link in the directory's place is refused, even to a directory of this user's")
    func symlinkedDirectory() async throws {
        let t = try SharedTemp("private-link")
        let elsewhere = t.shared.file("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
        #expect(chmod(elsewhere, 0o700) == 0)
        #expect(symlink(elsewhere, t.directory) == 0)
        let store = t.open()
        #expect(store.health.reason?.contains("refusing the directory \(t.directory): it is a symbolic link") == true, "\(store.health)")
        await store.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test("a lock file that is a symbolic link is refused; the file it points to is left as it was")
    func symlinkedLock() async throws {
        let f = try JournalFixture("lock-link")
        let victim = f.directory.file("precious")
        try "precious data\n".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, f.path + ".lock") == 0)
        let store = f.open()
        let reason = try #require(store.health.reason)
        #expect(reason.contains("\(f.path).lock"), "\(reason)")
        #expect(reason.contains("symbolic link"), "\(reason)")
        await store.close()
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious data\n")
    }
}
