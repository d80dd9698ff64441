import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import TestSupport

/// A journal in a temporary directory with fast retries and a quiet logger.
struct JournalFixture {
    let directory: TemporaryDirectory
    let path: String
    let logs = MemoryLogSink(capacity: 1000)
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ label: String) throws {
        directory = try TemporaryDirectory(label)
        path = directory.file("journal.sqlite")
    }

    func open(_ options: JournalOptions = JournalOptions(busyTimeout: .milliseconds(200), retryInterval: .milliseconds(20))) -> SQLiteRunStore {
        SQLiteRunStore(path: path, options: options, logger: Logger(label: "journal", sink: logs, level: .debug))
    }

    func reader() throws -> JournalReader { try JournalReader(path: path) }

    func record(_ id: RunID, job: JobID = "j", state: RunState = .queued, at offset: TimeInterval = 0,
                trigger: RunTrigger = .schedule) -> RunRecord {
        RunRecord(runId: id, jobId: job, trigger: trigger, state: state, createdAt: t0.addingTimeInterval(offset))
    }

    /// A finished copy of `record`.
    func finished(_ record: RunRecord, _ state: RunState = .succeeded, at offset: TimeInterval = 1) -> RunRecord {
        var copy = record
        copy.state = state
        copy.startedAt = copy.startedAt ?? record.createdAt
        copy.finishedAt = record.createdAt.addingTimeInterval(offset)
        return copy
    }
}

/// Waits for `condition`, failing with `what` when it never holds.
func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw JournalTestTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

struct JournalTestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}
