#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs

extension PostgresRunStore {
    /// Records that `jobId` fired up to `instant` without touching its runtime changes (see
    /// `SharedRunStore/saveLastFired(_:_:)`): the last fired instant only moves
    /// forward, and no other node is told (a fire changes nothing they must act on).
    /// - Throws: `unavailable`.
    public func saveLastFired(_ jobId: JobID, _ instant: Date) async throws(RunStoreError) {
        let node = node
        try await write(nil) { session throws(PostgresError) in
            try session.query("""
                INSERT INTO steward.job_state (job_id, last_fired, updated_at, updated_by) VALUES ($1, $2, steward.now_ms(), $3)
                ON CONFLICT (job_id) DO UPDATE SET last_fired = greatest(steward.job_state.last_fired, excluded.last_fired)
                """, [.text(jobId.rawValue), .integer(instant.milliseconds), .text(node)])
        }
    }
}
