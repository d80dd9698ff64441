import Foundation
import StewardCore
import StewardJobs
import StewardPostgres
import TestSupport

/// A database and one ``PostgresRunStore`` per node name, each opened as steward opens it
/// (connect, migrate, listen): several nodes on one machine. The database is a fresh one on the
/// shared server (``SharedPostgresServer``), or, for a test that stops or restarts its server,
/// on a server of its own (``server``).
struct StoreCluster {
    /// The test's own server (`ownServer`), else `nil`.
    let server: TestPostgresServer?
    /// A keyword string over the Unix socket to the cluster's database.
    let connectionString: String
    let stores: [PostgresRunStore]
    private let database: SharedDatabase?

    /// Opens a store per node on a fresh database; `options` makes each node's options.
    init(nodes: [String], ownServer: Bool = false,
         options: @Sendable (String) -> PostgresJournalOptions = { PostgresJournalOptions(node: $0) }) async throws {
        if ownServer {
            let server = try await TestPostgresServer()
            self.server = server
            database = nil
            connectionString = server.socketConnection()
        } else {
            let database = try await SharedPostgresServer.shared.database()
            self.database = database
            server = nil
            connectionString = database.socketConnection
        }
        var stores: [PostgresRunStore] = []
        for node in nodes {
            stores.append(try await PostgresRunStore.open(connectionString, options: options(node), logger: Self.quietLogger))
        }
        self.stores = stores
    }

    /// Opens one more store on the same database.
    func open(_ options: PostgresJournalOptions) async throws -> PostgresRunStore {
        try await PostgresRunStore.open(connectionString, options: options, logger: Self.quietLogger)
    }

    /// Closes every store, then gives the database back (or stops the own server).
    func stop() async {
        for store in stores { await store.close() }
        await server?.stop()
        await database?.release()
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
