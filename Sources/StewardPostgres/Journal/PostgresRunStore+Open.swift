#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import StewardJobs

/// Opening the shared journal: for a node (connect, migrate, listen) or for a reader (connect and
/// check, never migrate).
extension PostgresRunStore {
    /// Opens the shared journal for a node: parses `connectionString` (a `postgresql://` URL or
    /// libpq keywords, see ``PostgresConfiguration``), connects, brings the schema to the current
    /// version (safe when several nodes start at once: migrations take a lock and run in one
    /// transaction) and, with ``PostgresJournalOptions/listen``, starts listening for the other
    /// nodes. Call `SharedRunStore/join(version:reason:)` next.
    /// - Throws: `configuration` naming the key (or `node`) that is wrong; `connection` saying
    ///   "wrong password", "cannot reach host:port" or the server's refusal; `schema` when the
    ///   database is newer than this steward ("database schema vN is newer than this steward (vM)").
    public static func open(_ connectionString: String, options: PostgresJournalOptions,
                            logger: Logger = Logger(label: "journal", sink: FileDescriptorLogSink.standardError()))
        async throws(PostgresError) -> PostgresRunStore {
        try await open(PostgresConfiguration(parsing: connectionString), options: options, logger: logger)
    }

    /// Opens the shared journal for a node with a parsed configuration; see `open(_:options:logger:)`.
    public static func open(_ configuration: PostgresConfiguration, options: PostgresJournalOptions,
                            logger: Logger = Logger(label: "journal", sink: FileDescriptorLogSink.standardError()))
        async throws(PostgresError) -> PostgresRunStore {
        if let problem = PostgresJournalOptions.problem(withNodeName: options.node) {
            throw PostgresError(.configuration, message: "node: \(problem)")
        }
        let store = try PostgresRunStore(configuration: configuration, options: options, logger: logger, readOnly: false)
        do throws(PostgresError) {
            let node = options.node
            try await store.connection.withSession { session throws(PostgresError) in _ = try PostgresSchema.migrate(session, node: node) }
        } catch {
            await store.close()
            throw explained(error, configuration)
        }
        if options.listen { await store.startListening() }
        return store
    }

    /// Opens the shared journal for a node without waiting for the database: checks the
    /// connection string and node name at once (throwing `configuration` naming the key), then
    /// returns a store that is unhealthy, its every call failing `unavailable` (announced), until
    /// a background attempt every ``PostgresJournalOptions/pollInterval`` connects and migrates
    /// (the health's reason says why not meanwhile: "cannot reach host:port", "wrong password",
    /// a newer schema). Then it listens, turns healthy and yields `resynchronize`. For a steward
    /// that must supervise its processes whether or not the database is there when it starts.
    public static func openWhenReachable(_ configuration: PostgresConfiguration, options: PostgresJournalOptions,
                                         logger: Logger = Logger(label: "journal", sink: FileDescriptorLogSink.standardError()))
        throws(PostgresError) -> PostgresRunStore {
        if let problem = PostgresJournalOptions.problem(withNodeName: options.node) {
            throw PostgresError(.configuration, message: "node: \(problem)")
        }
        _ = try configuration.connectionParameters()  // a password source that fails is bad input too
        let store = try PostgresRunStore(configuration: configuration, options: options, logger: logger, readOnly: false)
        store.isReady.store(false, ordering: .releasing)
        store.healthMonitor.starting("connecting to the database")
        store.spawn { [weak store] in
            while let current = store, !Task.isCancelled {
                do throws(PostgresError) {
                    let node = options.node
                    try await current.connection.withSession { session throws(PostgresError) in _ = try PostgresSchema.migrate(session, node: node) }
                    current.isReady.store(true, ordering: .releasing)
                    if options.listen { await current.startListening() }
                    if current.healthMonitor.reachable() { current.hub.yield(.resynchronize) }
                    return
                } catch {
                    if error.kind == .closed { return }
                    current.healthMonitor.unreachable(explained(error, configuration).message)
                }
                try? await Task.sleep(for: options.pollInterval)
            }
        }
        return store
    }

    /// Opens the shared journal to read it from another process (`steward runs --journal URL`):
    /// connects and checks the schema, never changes it. Every write fails `unavailable`.
    /// - Throws: like `open(_:options:logger:)`; `schema` too when the database holds no
    ///   steward journal.
    public static func openReadOnly(_ connectionString: String,
                                    logger: Logger = Logger(label: "journal", sink: FileDescriptorLogSink.standardError()))
        async throws(PostgresError) -> PostgresRunStore {
        let configuration = try PostgresConfiguration(parsing: connectionString)
        let options = PostgresJournalOptions(node: "reader-\(getpid())", listen: false)
        let store = try PostgresRunStore(configuration: configuration, options: options, logger: logger, readOnly: true)
        do throws(PostgresError) {
            let version = try await store.reader.withSession { session throws(PostgresError) in try PostgresSchema.check(session) }
            guard version > 0 else {
                throw PostgresError(.schema, message: "the database holds no steward journal (no schema 'steward'); "
                                        + "a steward with journal.postgres creates it when it starts")
            }
        } catch {
            await store.close()
            throw explained(error, configuration)
        }
        return store
    }

    /// A connection failure said for people: a wrong password, a server that cannot be reached
    /// (naming host and port), or libpq's message as it is.
    static func explained(_ error: PostgresError, _ configuration: PostgresConfiguration) -> PostgresError {
        guard error.kind == .connection else { return error }
        let host = configuration.parameters["host"] ?? configuration.parameters["hostaddr"] ?? "localhost"
        let target = "\(host):\(configuration.parameters["port"] ?? "5432")"
        let user = configuration.parameters["user"].map { "user '\($0)'" } ?? "the user"
        let text = error.message.lowercased()
        if text.contains("password authentication failed") {
            return PostgresError(.connection, sqlState: error.sqlState, message: "wrong password for \(user) at \(target) (\(error.message))")
        }
        if text.contains("no password supplied") || text.contains("password is required") {
            return PostgresError(.connection, sqlState: error.sqlState,
                                 message: "\(target) asks for a password and none was given (password, password_file or password_env)")
        }
        let unreachable = ["connection refused", "could not connect", "timeout expired", "could not translate host name",
                           "no route to host", "network is unreachable", "no such file or directory"]
        if unreachable.contains(where: text.contains) {
            return PostgresError(.connection, sqlState: error.sqlState, message: "cannot reach \(target): \(error.message)")
        }
        return error
    }

    /// Starts the LISTEN connection and the task that turns its notifications into ``events()``;
    /// returns once it listens (or failed its first attempt, or after 5 s), so what other nodes
    /// do after `open` returns is heard. A listener that cannot start leaves the store polling.
    func startListening() async {
        let listener: PostgresListener
        do throws(PostgresError) {
            listener = try PostgresListener(configuration, channels: [PostgresChannel.runs, PostgresChannel.actions, PostgresChannel.jobs],
                                            backoff: options.backoff)
        } catch {
            logger.warning("cannot listen for the other nodes; polling only", metadata: ["reason": error.message])
            return
        }
        self.listener.withLock { $0 = listener }
        let events = listener.events
        let started = Latch()
        spawn { [weak self] in
            var connectedBefore = false
            var listening = false
            for await event in events {
                guard let self else { return }
                switch event {
                case .listening:
                    if connectedBefore { hub.yield(.resynchronize) }
                    connectedBefore = true
                    listening = true
                    started.fire()
                case .lost(let error):
                    started.fire()
                    // The loss of a listening connection says the database went away; its failed
                    // attempts to connect again say nothing new (and may arrive late).
                    if connectedBefore && listening && error.kind != .closed { unreachable(error.message) }
                    listening = false
                case .notification(let notification):
                    if let shared = sharedEvent(for: notification) { hub.yield(shared) }
                }
            }
            started.fire()
        }
        let timeout = Task {
            try? await Task.sleep(for: .seconds(5))
            started.fire()
        }
        await started.waitIgnoringCancellation()
        timeout.cancel()
    }

    /// The event a notification means for this node, if any.
    private func sharedEvent(for notification: PostgresNotification) -> SharedStoreEvent? {
        let fields = notification.payload.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        switch notification.channel {
        case PostgresChannel.runs:
            return .runsChanged
        case PostgresChannel.actions:
            guard fields.count == 4, fields[1] == node, fields[2] == "stop" else { return nil }
            return .stopRequested(RunID(fields[3]))
        case PostgresChannel.jobs:
            guard fields.count == 2, fields[0] != node else { return nil }
            return .jobChanged(JobID(fields[1]))
        default:
            return nil
        }
    }
}
