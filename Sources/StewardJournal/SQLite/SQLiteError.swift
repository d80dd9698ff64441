import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// An SQLite call failed: what was being done, SQLite's (extended) result code and its message.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The extended result code (`SQLITE_FULL`, `SQLITE_READONLY_DBMOVED`, …); 0 for errors of
    /// the journal's own (a schema it does not know).
    public var code: Int32
    /// What was being attempted (`open`, `prepare`, `step`, `migrate`).
    public var operation: String
    /// SQLite's message, or the journal's.
    public var message: String

    /// Creates an error.
    public init(code: Int32, operation: String, message: String) {
        self.code = code
        self.operation = operation
        self.message = message
    }

    /// A file-system call on the journal's files failed with `errno`: read-only (`EROFS`,
    /// `EACCES`) or cannot open, like SQLite reports its own.
    static func fileSystem(_ code: Int32, operation: String) -> SQLiteError {
        SQLiteError(code: code == EROFS || code == EACCES ? SQLITE_READONLY : SQLITE_CANTOPEN,
                    operation: operation, message: String(cString: strerror(code)))
    }

    /// The primary result code (the low byte of ``code``).
    public var primaryCode: Int32 { code & 0xff }

    /// The disk (or the database's page limit) is full.
    public var isFull: Bool { primaryCode == SQLITE_FULL }
    /// The file or its directory cannot be written.
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY || primaryCode == SQLITE_PERM || primaryCode == SQLITE_CANTOPEN }
    /// Another connection held a lock past the busy timeout.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    /// The file is damaged, or not a database at all (see `JournalIntegrity`).
    public var isCorrupt: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }

    /// `operation: message (SQLITE_FULL)`.
    public var description: String {
        code == 0 ? "\(operation): \(message)" : "\(operation): \(message) (\(Self.name(of: code)))"
    }

    /// The symbolic name of a result code, for logs.
    static func name(of code: Int32) -> String {
        switch code & 0xff {
        case SQLITE_FULL: "SQLITE_FULL"
        case SQLITE_READONLY: "SQLITE_READONLY"
        case SQLITE_BUSY: "SQLITE_BUSY"
        case SQLITE_LOCKED: "SQLITE_LOCKED"
        case SQLITE_IOERR: "SQLITE_IOERR"
        case SQLITE_CANTOPEN: "SQLITE_CANTOPEN"
        case SQLITE_PERM: "SQLITE_PERM"
        case SQLITE_CORRUPT: "SQLITE_CORRUPT"
        case SQLITE_NOTADB: "SQLITE_NOTADB"
        case SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT"
        case SQLITE_ERROR: "SQLITE_ERROR"
        default: "SQLite code \(code)"
        }
    }
}
