#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import StewardJobs

/// Reads a journal from any process, while a steward writes it or after it stopped: what
/// `steward runs`, `steward run show` and `steward run logs` use. Opens the file read-only and
/// never changes it. Every read is one snapshot, so a record is never seen half-written.
public final class JournalReader: Sendable {
    /// The journal file.
    public let path: String
    private let connection: ConditionLock<SQLiteConnection>

    /// Opens the journal at `path` for reading.
    /// - Throws: `unavailable` with a message that says what is wrong: no file, not a journal,
    ///   a schema newer than this binary knows, no permission.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws(RunStoreError) {
        self.path = path
        guard access(path, F_OK) == 0 else {
            throw RunStoreError(.unavailable, message: "no journal at \(path) (no job has run with it yet, or journal.path points elsewhere)")
        }
        do throws(SQLiteError) {
            let opened = try SQLiteConnection(path: path, readOnly: true, busyTimeout: busyTimeout)
            try JournalSchema.check(opened)
            connection = ConditionLock(opened)
        } catch {
            throw RunStoreError(.unavailable, message: "cannot read the journal: \(error)")
        }
    }

    /// Whether a steward is writing the journal now (it holds the writer lock). When none is, a
    /// run the file still calls `queued` or `running` was left by a steward that stopped without
    /// recording its end (it becomes `crashed`, or runs, when steward starts again). `true` when
    /// it cannot be told (the lock file is not readable).
    public var writerIsAlive: Bool {
        LockFile.holder(at: path + ".lock") != .nobody
    }

    /// One run's record; `nil` if unknown.
    public func run(_ runId: RunID) throws(RunStoreError) -> RunRecord? {
        try read { connection throws(SQLiteError) in try JournalQueries.run(runId, on: connection)?.record }
    }

    /// The run whose id is `text` or starts with it (people type the first few characters).
    /// - Throws: `unknownRun` when none matches; `conflict` when several do.
    public func findRun(_ text: String) throws(RunStoreError) -> RunRecord {
        if !text.isEmpty, let exact = try run(RunID(text)) { return exact }
        let ids = text.isEmpty ? [] : try read { connection throws(SQLiteError) in
            try JournalQueries.runIds(startingWith: text, limit: RunIDPrefix.lookupLimit, on: connection)
        }
        let first: RunID
        switch RunIDPrefix.match(text, among: ids) {
        case .one(let id): first = id
        case .none: throw RunStoreError(.unknownRun, runId: RunID(text), message: "no run \(text) in \(path)")
        case .ambiguous(let message): throw RunStoreError(.conflict, runId: RunID(text), message: message)
        }
        guard let record = try run(first) else { throw RunStoreError(.unknownRun, runId: first, message: "no run \(first)") }
        return record
    }

    /// Runs matching `query`, newest first.
    public func runs(_ query: RunQuery) throws(RunStoreError) -> [RunRecord] {
        try read { connection throws(SQLiteError) in try JournalQueries.runs(query, on: connection) }
    }

    /// How many runs match `query`'s filters, per state (see `RunStore/runCounts(_:)`).
    public func runCounts(_ query: RunQuery) throws(RunStoreError) -> [RunState: Int] {
        try read { connection throws(SQLiteError) in try JournalQueries.runCounts(query, on: connection) }
    }

    /// Up to `limit` lines (all when `nil`) of a run's log from `offset` on.
    /// - Throws: `unknownRun`; `unavailable`.
    public func readLog(_ runId: RunID, from offset: Int, limit: Int?) throws(RunStoreError) -> RunLogPage {
        let page = try read { connection throws(SQLiteError) in try JournalQueries.page(runId, from: offset, limit: limit, on: connection) }
        guard let page else { throw RunStoreError(.unknownRun, runId: runId, message: "no run \(runId) in \(path)") }
        return page
    }

    /// The lines of a run's log from `offset` on, then each new line as the writing steward
    /// commits it (looked for every `pollInterval`); ends once the run is final and every line
    /// was delivered.
    public func followLog(_ runId: RunID, from offset: Int, pollInterval: Duration = .milliseconds(200)) -> RunLogFollow {
        RunLogFollow(from: offset,
                     read: { [self] (cursor: Int) throws(RunStoreError) -> RunLogPage in try readLog(runId, from: cursor, limit: 1000) },
                     waitForMore: { _ in try? await Task.sleep(for: pollInterval) })
    }

    func read<T>(_ body: (SQLiteConnection) throws(SQLiteError) -> T) throws(RunStoreError) -> T {
        do throws(SQLiteError) {
            return try connection.withLock { (connection: inout SQLiteConnection) throws(SQLiteError) -> T in try body(connection) }
        } catch {
            throw RunStoreError(.unavailable, message: "cannot read the journal \(path): \(error)")
        }
    }
}
