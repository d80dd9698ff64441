import StewardCore
import StewardJobs

extension PostgresRunStore {
    /// Opens the shared journal for a node without waiting for the database, as steward does at
    /// start: the store is returned at once, and the connection, the schema migration and the
    /// listener are brought up in the background, again and again (with the connection's backoff,
    /// at most every few seconds) until the database answers. Meanwhile the journal is unhealthy
    /// with the reason ("wrong password", "cannot reach host:port", a schema newer than this
    /// steward, …) and every call fails `unavailable`; the scheduler joins once it works. So a
    /// database that is down or misconfigured when steward starts never holds up its processes.
    /// - Throws: `configuration` naming the key of the connection string (or `node`) that is wrong.
    public static func connecting(_ connectionString: String, options: PostgresJournalOptions,
                                  logger: Logger) throws(PostgresError) -> PostgresRunStore {
        let configuration = try PostgresConfiguration(parsing: connectionString)
        if let problem = PostgresJournalOptions.problem(withNodeName: options.node) {
            throw PostgresError(.configuration, message: "node: \(problem)")
        }
        let store = try PostgresRunStore(configuration: configuration, options: options, logger: logger, readOnly: false)
        store.spawn { [weak store] in
            var pause = Duration.milliseconds(200)
            while let current = store, !Task.isCancelled {
                do throws(PostgresError) {
                    let node = current.options.node
                    try await current.connection.withSession { session throws(PostgresError) in
                        _ = try PostgresSchema.migrate(session, node: node)
                    }
                    if current.options.listen { try current.startListening() }
                    if current.healthMonitor.reachable() { current.hub.yield(.resynchronize) }
                    return
                } catch {
                    if error.kind == .closed { return }
                    let explained = explained(error, configuration)
                    current.healthMonitor.unreachable(explained.message)
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
        return store
    }
}
