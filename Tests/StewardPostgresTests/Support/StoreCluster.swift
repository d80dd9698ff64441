import Foundation
import StewardCore
import StewardJobs
import StewardPostgres
import TestSupport

/// A throwaway server and one ``PostgresRunStore`` per node name, each opened as steward opens it
/// (connect, migrate, listen), all on one database: several nodes on one machine.
struct StoreCluster {
    let server: TestPostgresServer
    let stores: [PostgresRunStore]

    /// Starts a server and opens a store per node; `options` makes each node's options.
    init(nodes: [String], options: @Sendable (String) -> PostgresJournalOptions = { PostgresJournalOptions(node: $0) }) async throws {
        server = try await TestPostgresServer()
        var stores: [PostgresRunStore] = []
        for node in nodes {
            stores.append(try await PostgresRunStore.open(server.socketConnection(), options: options(node), logger: Self.quietLogger))
        }
        self.stores = stores
    }

    /// Opens one more store on the same database.
    func open(_ options: PostgresJournalOptions) async throws -> PostgresRunStore {
        try await PostgresRunStore.open(server.socketConnection(), options: options, logger: Self.quietLogger)
    }

    /// Closes every store, then stops the server.
    func stop() async {
        for store in stores { await store.close() }
        await server.stop()
    }

    /// A logger that keeps the test output clean (errors only).
    static let quietLogger = Logger(label: "journal", sink: FileDescriptorLogSink.standardError(), level: .error)
}

/// A queued manual run of `job`.
func manualRun(_ id: String, job: String = "work", at instant: Date = Date()) -> RunRecord {
    RunRecord(runId: RunID(id), jobId: JobID(job), trigger: .manual(), createdAt: instant)
}

/// A schedule fire of `job` at second `second` after 2027-01-15.
func scheduleFire(_ id: String, job: String = "nightly", at second: Int) -> RunRecord {
    RunRecord(runId: RunID(id), jobId: JobID(job), trigger: .schedule, createdAt: Date(),
              scheduledFor: Date(timeIntervalSince1970: 1_800_000_000 + Double(second)))
}

/// `record` finished in `state` now.
func finished(_ record: RunRecord, _ state: RunState = .succeeded) -> RunRecord {
    var copy = record
    copy.state = state
    copy.finishedAt = Date()
    return copy
}
