import StewardJobs
import StewardJournal
import StewardPostgres

/// The journal the CLI reads (`steward runs`, `run show`, `run logs`, `run wait`): the SQLite file,
/// read-only, or a shared PostgreSQL journal (`--journal postgresql://…`), whether any steward
/// runs or not.
enum JournalSource {
    case file(JournalReader)
    case shared(PostgresRunStore)

    /// Opens `location`: a connection string (`postgresql://…`, `postgres://…`, or libpq's
    /// `key=value` form) opens the shared journal, anything else is a file.
    /// - Throws: `unavailable` with the reason (the file cannot be read; the database cannot be
    ///   reached, refuses the login, or holds no steward journal).
    static func open(_ location: String) async throws(RunStoreError) -> JournalSource {
        guard isConnectionString(location) else { return .file(try JournalReader(path: location)) }
        do throws(PostgresError) {
            return .shared(try await PostgresRunStore.openReadOnly(location))
        } catch {
            throw RunStoreError(.unavailable, message: "journal: \(error.message)")
        }
    }

    /// Whether `location` names a database rather than a file.
    static func isConnectionString(_ location: String) -> Bool {
        if location.hasPrefix("postgresql://") || location.hasPrefix("postgres://") { return true }
        // libpq's keyword form (`host=db dbname=steward`); a path starts with / or . or has no `=`.
        return location.contains("=") && !location.hasPrefix("/") && !location.hasPrefix(".")
    }

    /// Where the journal is, for people (a password hidden).
    var location: String {
        switch self {
        case .file(let reader): reader.path
        case .shared(let store): store.location
        }
    }

    /// Runs matching `query`, newest first.
    func runs(_ query: RunQuery) async throws(RunStoreError) -> [RunRecord] {
        switch self {
        case .file(let reader): try reader.runs(query)
        case .shared(let store): try await store.runs(query)
        }
    }

    /// One run's record; `nil` if unknown.
    func run(_ runId: RunID) async throws(RunStoreError) -> RunRecord? {
        switch self {
        case .file(let reader): try reader.run(runId)
        case .shared(let store): try await store.run(runId)
        }
    }

    /// The run whose id is `text` or starts with it (an ambiguous prefix names the matches).
    func findRun(_ text: String) async throws(RunStoreError) -> RunRecord {
        switch self {
        case .file(let reader):
            return try reader.findRun(text)
        case .shared(let store):
            if !text.isEmpty, let exact = try await store.run(RunID(text)) { return exact }
            let ids = text.isEmpty ? [] : try await store.runIds(startingWith: text, limit: RunIDPrefix.lookupLimit)
            let first: RunID
            switch RunIDPrefix.match(text, among: ids) {
            case .one(let id): first = id
            case .none: throw RunStoreError(.unknownRun, runId: RunID(text), message: "no run \(text) in \(location)")
            case .ambiguous(let message): throw RunStoreError(.conflict, runId: RunID(text), message: message)
            }
            guard let record = try await store.run(first) else { throw RunStoreError(.unknownRun, runId: first, message: "no run \(first)") }
            return record
        }
    }

    /// Up to `limit` lines of a run's log from `offset` on.
    func readLog(_ runId: RunID, from offset: Int, limit: Int) async throws(RunStoreError) -> RunLogPage {
        switch self {
        case .file(let reader): try reader.readLog(runId, from: offset, limit: limit)
        case .shared(let store): try await store.readLog(runId, from: offset, limit: limit)
        }
    }

    /// Whether a run still active here may still end: a steward writes the file, or a node of the
    /// shared journal owns it and heartbeats (`true` when it cannot be told).
    func writerIsAlive(for record: RunRecord? = nil) async -> Bool {
        switch self {
        case .file(let reader):
            return reader.writerIsAlive
        case .shared(let store):
            guard let nodes = try? await store.nodes() else { return true }
            let live = nodes.filter { !$0.stopped && $0.heartbeatAge < .seconds(10) }
            if let node = record?.node { return live.contains { $0.name == node } || record?.state == .queued && !live.isEmpty }
            return !live.isEmpty
        }
    }

    /// The lease a node silent for longer has lost its runs after (the shared journal's, as
    /// opened; the default for a file, which has no nodes).
    var lease: Duration {
        switch self {
        case .file: .seconds(3)
        case .shared(let store): store.lease
        }
    }

    /// The nodes of a shared journal.
    /// - Throws: `unavailable` for a file (a journal of one steward has no nodes).
    func nodes() async throws(RunStoreError) -> [NodeStatus] {
        switch self {
        case .file(let reader):
            throw RunStoreError(.unavailable, message: "the journal \(reader.path) is not shared: nodes exist only with journal.postgres "
                                + "(give --journal postgresql://… or --config FILE)")
        case .shared(let store): return try await store.nodes()
        }
    }

    /// Lets go of the database (nothing to do for a file).
    func close() async {
        if case .shared(let store) = self { await store.close() }
    }
}
