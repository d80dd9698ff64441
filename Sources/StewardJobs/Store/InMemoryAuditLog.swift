import Synchronization

/// An ``AuditLog`` in memory, keeping the newest ``capacity`` entries: what
/// ``InMemoryRunStore`` keeps its audit in, and where a steward without a journal records
/// operator actions.
public final class InMemoryAuditLog: AuditLog {
    /// The most entries kept; older ones are forgotten. Default 10,000.
    public let capacity: Int
    /// A ring: `entries[(start + i) % capacity]` is the i-th oldest kept entry.
    private let ring = Mutex<(entries: [AuditEntry], start: Int)>(([], 0))

    /// Creates an empty log keeping at most `capacity` (at least 1) entries.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Records `entry`, forgetting the oldest one when full. Never throws.
    public func recordAudit(_ entry: AuditEntry) async throws(RunStoreError) {
        ring.withLock { ring in
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.start] = entry
                ring.start = (ring.start + 1) % capacity
            }
        }
    }

    /// The newest `limit` entries, newest first.
    public func auditEntries(limit: Int) async throws(RunStoreError) -> [AuditEntry] {
        ring.withLock { ring in
            let count = ring.entries.count
            return (0..<min(max(0, limit), count)).map { ring.entries[(ring.start + count - 1 - $0) % count] }
        }
    }
}
