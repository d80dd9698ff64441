#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardJobs
import Synchronization

/// Runs in the shared PostgreSQL journal, as one node sees them (groundwork for issue 14).
///
/// Its methods have the shape and errors of `RunStore`'s, so the conformance can be completed
/// (progress, logs, proceeding, recovery, definition state) without changing them. What it adds
/// for several nodes on one database:
/// - ``createRun(_:)``: a schedule fire's run carries the fire key (job, scheduled instant); a
///   second insert of the same fire, by any node, fails as a `conflict` naming the fire;
/// - ``claimNext(limit:lease:)``: takes due queued runs in one statement with
///   `FOR UPDATE SKIP LOCKED`, so nodes claiming at once never take the same run;
/// - fencing: each claim bumps the run's `claim_epoch` and records this ``node``; the store
///   remembers the epoch it claimed, and ``finishRun(_:)`` writes only if the run is still
///   running under this node and that epoch. A node paused past its lease cannot overwrite a
///   run another node rescued.
public final class PostgresRunStore: Sendable {
    /// The connection it works through.
    public let connection: PostgresConnection
    /// This node's name (`runs.node` of what it claims).
    public let node: String
    /// The claim epoch of each run this store claimed and has not finished.
    private let claims = Mutex<[RunID: Int]>([:])

    /// A store for `node` on `connection` (migrate the database first, ``PostgresSchema/migrate(_:node:)``).
    public init(connection: PostgresConnection, node: String) {
        self.connection = connection
        self.node = node
    }

    /// Makes a new run durable, in the record's state, with its steps.
    /// - Throws: `duplicateRun` if the id exists; `conflict` if the record is a schedule fire
    ///   whose job and instant already have a run (another node fired it); `unavailable`.
    public func createRun(_ record: RunRecord) async throws(RunStoreError) {
        do throws(PostgresError) {
            try await connection.transaction { session throws(PostgresError) in
                let rowId = try session.query(PostgresRunRow.insert, PostgresRunRow.values(record)).int64(0, 0) ?? 0
                try Self.writeSteps(record.steps, rowId, session)
            }
        } catch {
            if error.isUniqueViolation && error.constraint == "runs_one_per_fire" {
                let instant = record.scheduledFor.map { "\($0.milliseconds)" } ?? "?"
                throw RunStoreError(.conflict, runId: record.runId,
                                    message: "job \(record.jobId)'s fire at \(instant) ms is already a run (fired by another node)")
            }
            if error.isUniqueViolation { throw RunStoreError(.duplicateRun, runId: record.runId, message: "a run with this id exists") }
            throw Self.unavailable(error, record.runId)
        }
    }

    /// Moves a `queued` run to `running` on this node, setting `startedAt`, and bumps its claim
    /// epoch; returns the updated record.
    /// - Throws: `conflict` if the run is not `queued`; `unknownRun`; `unavailable`.
    public func claimRun(_ runId: RunID, startedAt: Date) async throws(RunStoreError) -> RunRecord {
        let node = node
        let claimed: PostgresRunRow.Selected?
        do throws(PostgresError) {
            claimed = try await connection.withSession { session throws(PostgresError) -> PostgresRunRow.Selected? in
                let updated = try session.query("""
                    UPDATE steward.runs SET state = 'running', started_at = $2, node = $3, claim_epoch = claim_epoch + 1
                    WHERE run_id = $1 AND state = 'queued' RETURNING id
                    """, [.text(runId.rawValue), .integer(startedAt.milliseconds), .text(node)])
                guard updated.rows.count == 1 else { return nil }
                return try Self.read(runId, session)
            }
        } catch {
            throw Self.unavailable(error, runId)
        }
        guard let claimed else { throw try await refusal(runId, doing: "claim") }
        claims.withLock { $0[runId] = claimed.claimEpoch }
        return claimed.record
    }

    /// Claims up to `limit` queued runs that are due by the database's clock, oldest due first,
    /// in one statement (`FOR UPDATE SKIP LOCKED`: runs another node is claiming are passed
    /// over, not waited for), setting `started_at` and the lease from the database's clock.
    /// - Throws: `unavailable`.
    public func claimNext(limit: Int, lease: Duration) async throws(RunStoreError) -> [RunRecord] {
        let node = node
        let leaseMilliseconds = lease.milliseconds
        let claimed: [PostgresRunRow.Selected]
        do throws(PostgresError) {
            claimed = try await connection.withSession { session throws(PostgresError) in
                let rows = try session.query("""
                    WITH due AS (
                        SELECT id FROM steward.runs
                        WHERE state = 'queued' AND coalesce(scheduled_for, created_at) <= steward.now_ms()
                        ORDER BY coalesce(scheduled_for, created_at), id
                        LIMIT $2 FOR UPDATE SKIP LOCKED
                    )
                    UPDATE steward.runs r SET state = 'running', node = $1, claim_epoch = r.claim_epoch + 1,
                        started_at = steward.now_ms(), lease_expires_at = steward.now_ms() + $3
                    FROM due WHERE r.id = due.id
                    RETURNING \(PostgresRunRow.selection)
                    """, [.text(node), .integer(Int64(max(0, limit))), .integer(leaseMilliseconds)])
                return rows.rows.indices.map { PostgresRunRow.record(rows, $0) }
            }
        } catch {
            throw Self.unavailable(error, nil)
        }
        claims.withLock { claims in for run in claimed { claims[run.record.runId] = run.claimEpoch } }
        return claimed.map(\.record)
    }

    /// Writes a run's final record (its state must be final). A queued run may be finished by any
    /// node; a running one only by the node that claimed it, under the epoch it claimed.
    /// - Throws: `conflict` if the run is final already or no longer this node's claim (fenced
    ///   off: rescued or claimed again elsewhere), naming who holds it; `unknownRun`; `unavailable`.
    public func finishRun(_ record: RunRecord) async throws(RunStoreError) {
        guard record.state.isFinal else {
            throw RunStoreError(.conflict, runId: record.runId, message: "finishing with the active state \(record.state)")
        }
        let node = node
        let epoch = claims.withLock { $0[record.runId] }
        let assignments = PostgresRunRow.columns.enumerated().dropFirst().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")
        let finished: Bool
        do throws(PostgresError) {
            finished = try await connection.transaction { session throws(PostgresError) -> Bool in
                let parameters = PostgresRunRow.values(record) + [.text(node), .integer(epoch.map(Int64.init))]
                let count = PostgresRunRow.columns.count
                let updated = try session.query("""
                    UPDATE steward.runs SET \(assignments), lease_expires_at = NULL
                    WHERE run_id = $1 AND (state = 'queued'
                        OR (state = 'running' AND node = $\(count + 1) AND claim_epoch = $\(count + 2)))
                    RETURNING id
                    """, parameters)
                guard let rowId = updated.int64(0, 0) else { return false }
                try Self.writeSteps(record.steps, rowId, session)
                return true
            }
        } catch {
            throw Self.unavailable(error, record.runId)
        }
        guard finished else { throw try await refusal(record.runId, doing: "finish", epoch: epoch) }
        claims.withLock { _ = $0.removeValue(forKey: record.runId) }
    }

    /// The runs this store claimed and has not finished, with the claim epoch of each.
    func claimedRuns() -> [RunID: Int] { claims.withLock { $0 } }

    /// Forgets claims this node no longer holds.
    func forgetClaims(_ runIds: [RunID]) {
        claims.withLock { claims in for runId in runIds { claims.removeValue(forKey: runId) } }
    }

    /// One run's record; `nil` if unknown.
    /// - Throws: `unavailable`.
    public func run(_ runId: RunID) async throws(RunStoreError) -> RunRecord? {
        try await selected(runId)?.record
    }

    /// The node that claimed a run and the claim epoch, with its record; `nil` if unknown.
    /// - Throws: `unavailable`.
    public func owner(of runId: RunID) async throws(RunStoreError) -> (node: String?, claimEpoch: Int, record: RunRecord)? {
        guard let selected = try await selected(runId) else { return nil }
        return (selected.node, selected.claimEpoch, selected.record)
    }

    private func selected(_ runId: RunID) async throws(RunStoreError) -> PostgresRunRow.Selected? {
        do throws(PostgresError) {
            return try await connection.withSession { session throws(PostgresError) in try Self.read(runId, session) }
        } catch {
            throw Self.unavailable(error, runId)
        }
    }

    /// Why a compare-and-set changed nothing: `unknownRun`, or `conflict` naming the run's state
    /// and holder.
    private func refusal(_ runId: RunID, doing action: String, epoch: Int? = nil) async throws(RunStoreError) -> RunStoreError {
        guard let current = try await selected(runId) else {
            return RunStoreError(.unknownRun, runId: runId, message: "no run with this id")
        }
        if current.record.state == .running, action == "finish" {
            return RunStoreError(.conflict, runId: runId, message: "the run is running on \(current.node ?? "no node") (claim \(current.claimEpoch)); "
                                    + "this node (\(node), claim \(epoch.map(String.init) ?? "none")) no longer owns it")
        }
        return RunStoreError(.conflict, runId: runId, message: "cannot \(action) a run that is \(current.record.state)"
                                + (current.node.map { " (last claimed by \($0))" } ?? ""))
    }

    static func read(_ runId: RunID, _ session: PostgresSession) throws(PostgresError) -> PostgresRunRow.Selected? {
        let rows = try session.query(PostgresRunRow.select + " WHERE r.run_id = $1", [.text(runId.rawValue)])
        return rows.rows.isEmpty ? nil : PostgresRunRow.record(rows, 0)
    }

    static func writeSteps(_ steps: [String], _ rowId: Int64, _ session: PostgresSession) throws(PostgresError) {
        try session.query("DELETE FROM steward.run_steps WHERE run = $1", [.integer(rowId)])
        for (position, name) in steps.enumerated() {
            try session.query("INSERT INTO steward.run_steps (run, position, name) VALUES ($1, $2, $3)",
                              [.integer(rowId), .integer(Int64(position)), .text(name)])
        }
    }

    static func unavailable(_ error: PostgresError, _ runId: RunID?) -> RunStoreError {
        RunStoreError(.unavailable, runId: runId, message: error.description)
    }
}
