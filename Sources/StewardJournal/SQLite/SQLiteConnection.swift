import CSQLite

/// One connection to an SQLite file, with a cache of prepared statements. Not thread-safe: the
/// journal gives each connection one owner (the writer thread, or a reader under a lock).
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens `path`: read-write (created when `create`) or read-only; sets the busy timeout.
    init(path: String, readOnly: Bool, create: Bool = false, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        var raw: OpaquePointer?
        let result = sqlite3_open_v2(path, &raw, flags, nil)
        guard result == SQLITE_OK, let raw else {
            let message = raw.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot allocate a connection"
            if let raw { sqlite3_close_v2(raw) }
            throw SQLiteError(code: result, operation: "open \(path)", message: message)
        }
        handle = raw
        self.path = path
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(raw, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// The error SQLite reports for `result` on this connection.
    func error(_ result: Int32, _ operation: String) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle) != 0 ? sqlite3_extended_errcode(handle) : result,
                    operation: operation, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Runs one or more statements without results (schema, pragmas, `BEGIN`).
    func execute(_ sql: String) throws(SQLiteError) {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw error(result, "execute") }
    }

    /// The cached prepared statement for `sql`.
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        var raw: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard result == SQLITE_OK, let raw else { throw error(result, "prepare") }
        let prepared = SQLiteStatement(handle: raw, connection: self)
        statements[sql] = prepared
        return prepared
    }

    /// An integer pragma's value (`PRAGMA user_version`).
    func integerPragma(_ name: String) throws(SQLiteError) -> Int64 {
        try statement("PRAGMA \(name)").first { $0.int64(0) } ?? 0
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`, so a lock conflict shows at the
    /// start, not at the commit); rolls back when it throws.
    func writeTransaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if sqlite3_get_autocommit(handle) == 0 { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }

    /// Runs `body` in a read transaction, so every query in it sees one snapshot; inside a
    /// transaction already, in that one.
    func readTransaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        guard sqlite3_get_autocommit(handle) != 0 else { return try body() }
        try execute("BEGIN")
        defer { _ = sqlite3_exec(handle, "COMMIT", nil, nil, nil) }
        return try body()
    }

    /// Closing this connection will not checkpoint the WAL into the file (for a file found
    /// corrupt: its pages are not written again, and the WAL stays for whoever repairs it).
    func skipCheckpointOnClose() {
        _ = steward_sqlite3_no_checkpoint_on_close(handle)
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }
}
