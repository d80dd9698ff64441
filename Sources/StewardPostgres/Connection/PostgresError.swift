/// Something the PostgreSQL layer could not do: a bad connection setting, a server that cannot
/// be reached, a statement the server refused (with its SQLSTATE), a closed connection.
///
/// Messages never contain a password: configuration errors name the key or position, and
/// libpq's own messages do not repeat the password.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. A struct wrapping a private enum, so kinds can be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        enum Value: String, Hashable { case configuration, connection, query, schema, closed }
        let value: Value

        /// The connection string (URL or keywords) or a password source is invalid.
        public static let configuration = Kind(value: .configuration)
        /// The server could not be reached, refused the login, or the connection broke.
        public static let connection = Kind(value: .connection)
        /// The server refused a statement (see ``PostgresError/sqlState``).
        public static let query = Kind(value: .query)
        /// The database's schema is not one this binary can use (for example a newer version).
        public static let schema = Kind(value: .schema)
        /// The connection was closed by its owner.
        public static let closed = Kind(value: .closed)

        /// The kind's name.
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var kind: Kind
    /// The server's five-character SQLSTATE code (`23505` for a unique violation), when the
    /// server reported one.
    public var sqlState: String?
    /// Details for people (never containing a password).
    public var message: String
    /// The constraint a refused row broke (`runs_one_per_fire`), when the server named one.
    public var constraint: String?

    /// Creates an error.
    public init(_ kind: Kind, sqlState: String? = nil, message: String, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
    }

    /// Whether the server refused a row because of a unique constraint (SQLSTATE `23505`).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// Whether the failure concerns the connection rather than the statement: the statement may
    /// succeed on a new connection. Class 08 (connection exception) and 57P01–57P03 (the server
    /// shut down or is starting) count too.
    public var isConnectionLoss: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// A readable one-line description.
    public var description: String {
        "postgres: \(kind)" + (sqlState.map { " [\($0)]" } ?? "") + ": \(message)"
    }
}
