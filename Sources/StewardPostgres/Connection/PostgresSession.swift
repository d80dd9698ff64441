#if canImport(Glibc)
import Glibc
#endif
import CLibPQ

/// One open libpq connection, used from one thread at a time (the owning
/// ``PostgresConnection``'s thread, or a ``PostgresListener``'s): every call blocks until the
/// server answers. Not `Sendable`; it never leaves its thread.
public final class PostgresSession {
    let handle: OpaquePointer

    /// Connects (blocking) with the configuration's parameters.
    /// - Throws: `configuration` for a password source that fails; `connection` when the server
    ///   cannot be reached or refuses the login (libpq's message, which never contains the password).
    init(_ configuration: PostgresConfiguration) throws(PostgresError) {
        // libpq is loaded, not linked: a machine without it gets this, not a crash.
        if let missing = spq_load_error() { throw PostgresError(.configuration, message: String(cString: missing)) }
        let pairs = try configuration.connectionParameters()
        var keywords = pairs.map { strdup($0.key) }
        var values = pairs.map { strdup($0.value) }
        keywords.append(nil)
        values.append(nil)
        defer {
            for pointer in keywords { free(pointer) }
            for pointer in values { free(pointer) }
        }
        let connection = keywords.withUnsafeBufferPointer { keys in
            values.withUnsafeBufferPointer { vals in
                keys.withMemoryRebound(to: UnsafePointer<CChar>?.self) { keys in
                    vals.withMemoryRebound(to: UnsafePointer<CChar>?.self) { vals in
                        spq_connectdbParams(keys.baseAddress, vals.baseAddress, 0)
                    }
                }
            }
        }
        guard let connection else { throw PostgresError(.connection, message: "out of memory") }
        guard spq_status(connection) == CONNECTION_OK else {
            let message = Self.errorText(connection)
            spq_finish(connection)
            throw PostgresError(.connection, message: message)
        }
        handle = connection
    }

    deinit { spq_finish(handle) }

    /// Whether the connection is still usable (libpq has not seen it break).
    public var isOpen: Bool { spq_status(handle) == CONNECTION_OK }

    /// Runs one statement with parameters (`$1`, `$2`, … in the SQL), in text format, and
    /// returns its rows.
    /// - Throws: `query` with the server's SQLSTATE; `connection` when the connection broke.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> PostgresRows {
        let texts = parameters.map { $0.textFormat.map { strdup($0) } ?? nil }
        defer { for pointer in texts { free(pointer) } }
        let result = texts.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                spq_execParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        return try rows(of: result)
    }

    /// Runs SQL text that may hold several statements and no parameters (migrations).
    /// - Throws: like ``query(_:_:)``.
    public func execute(_ sql: String) throws(PostgresError) {
        _ = try rows(of: spq_exec(handle, sql))
    }

    /// Quotes a name (a channel, a table) for SQL, as libpq does.
    public func quotedIdentifier(_ name: String) throws(PostgresError) -> String {
        guard let quoted = spq_escapeIdentifier(handle, name, name.utf8.count) else {
            throw PostgresError(.query, message: Self.errorText(handle))
        }
        defer { spq_freemem(quoted) }
        return String(cString: quoted)
    }

    /// Copies a result out and frees it; throws for an error result.
    private func rows(of result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw PostgresError(isOpen ? .query : .connection, message: Self.errorText(handle))
        }
        defer { spq_clear(result) }
        switch spq_resultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            let columnCount = Int(spq_nfields(result))
            let columns = (0..<columnCount).map { String(cString: spq_fname(result, Int32($0))) }
            let rows = (0..<Int(spq_ntuples(result))).map { row in
                (0..<columnCount).map { column -> String? in
                    spq_getisnull(result, Int32(row), Int32(column)) == 1 ? nil
                        : String(cString: spq_getvalue(result, Int32(row), Int32(column)))
                }
            }
            let affected = Int(String(cString: spq_cmdTuples(result))) ?? 0
            return PostgresRows(columns: columns, rows: rows, affected: affected)
        default:
            let field = { (code: UInt8) -> String? in spq_resultErrorField(result, Int32(code)).map { String(cString: $0) } }
            let state = field(UInt8(ascii: "C"))
            var message = field(UInt8(ascii: "M")) ?? Self.errorText(handle)
            if let detail = field(UInt8(ascii: "D")) { message += " (\(detail))" }
            let error = PostgresError(isOpen ? .query : .connection, sqlState: state, message: message,
                                      constraint: field(UInt8(ascii: "n")))
            throw error
        }
    }

    /// libpq's last error message for the connection, trimmed.
    static func errorText(_ connection: OpaquePointer) -> String {
        guard let text = spq_errorMessage(connection) else { return "unknown error" }
        var message = String(cString: text)
        while message.last?.isWhitespace == true { message.removeLast() }
        return message.isEmpty ? "unknown error" : String(message.split(separator: "\n").joined(separator: "; "))
    }
}
