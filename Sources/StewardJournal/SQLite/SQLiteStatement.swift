import CSQLite

/// A value bound to a statement's parameter.
enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// `.integer`, or `.null` for `nil`.
    static func integer(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }
    /// `.text`, or `.null` for `nil`.
    static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
}

/// A prepared statement of one connection. Cached and reused by ``SQLiteConnection``; not
/// thread-safe (its connection is used by one thread at a time).
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection

    init(handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to its parameters, in order.
    @discardableResult
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) -> SQLiteStatement {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(handle, index)
            case .integer(let number): result = sqlite3_bind_int64(handle, index, number)
            case .real(let number): result = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                result = text.utf8CString.withUnsafeBufferPointer { buffer in
                    steward_sqlite3_bind_text(handle, index, buffer.baseAddress, Int32(buffer.count - 1))
                }
            }
            guard result == SQLITE_OK else { throw connection.error(result, "bind") }
        }
        return self
    }

    /// Steps once: `true` when a row is available.
    func step() throws(SQLiteError) -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw connection.error(result, "step")
        }
    }

    /// Binds `values` and steps to the end (an insert, update or delete); returns the rows changed.
    @discardableResult
    func run(_ values: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        try bind(values)
        while try step() {}
        sqlite3_reset(handle)
        return Int(sqlite3_changes(connection.handle))
    }

    /// Binds `values` and maps every row through `row`.
    func rows<T>(_ values: [SQLiteValue] = [], _ row: (SQLiteStatement) throws(SQLiteError) -> T) throws(SQLiteError) -> [T] {
        try bind(values)
        var result: [T] = []
        while try step() { result.append(try row(self)) }
        sqlite3_reset(handle)
        return result
    }

    /// The first row mapped through `row`, or `nil`.
    func first<T>(_ values: [SQLiteValue] = [], _ row: (SQLiteStatement) throws(SQLiteError) -> T) throws(SQLiteError) -> T? {
        try bind(values)
        defer { sqlite3_reset(handle) }
        return try step() ? try row(self) : nil
    }

    // MARK: Columns of the current row

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }

    /// The column's text, byte-exact (embedded NULs included); "" for NULL.
    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
}
