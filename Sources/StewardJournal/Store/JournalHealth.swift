#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Whether the journal is being written. An unhealthy journal never stops supervision or jobs:
/// runs go on, their records wait in memory (bounded) and are written once the cause is gone.
public struct JournalHealth: Sendable, Hashable, CustomStringConvertible {
    /// Whether the last write (or attempt to open the file) succeeded.
    public var isHealthy: Bool
    /// Why it is unhealthy: `disk full: …`, `read-only: …`, `locked: …`, `journal corrupt: …`,
    /// or SQLite's error.
    public var reason: String?
    /// Since when it has been in this condition.
    public var since: Date

    /// Creates a health value.
    public init(isHealthy: Bool, reason: String? = nil, since: Date) {
        self.isHealthy = isHealthy
        self.reason = reason
        self.since = since
    }

    /// `ok`, or `unhealthy: reason`.
    public var description: String { isHealthy ? "ok" : "unhealthy: \(reason ?? "unknown")" }

    /// The reason people should read for `error`.
    static func reason(for error: SQLiteError) -> String {
        if error.isCorrupt { return "journal corrupt: \(error)" }
        if error.isFull { return "disk full: \(error)" }
        if error.isBusy { return "locked: \(error)" }
        if error.isReadOnly { return "read-only: \(error)" }
        return "\(error)"
    }
}
