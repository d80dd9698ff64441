import StewardJobs

/// One node in the registry (`steward.nodes`), as read with the database's clock.
public struct PostgresNode: Sendable, Hashable {
    /// The node's name.
    public var name: String
    /// The steward version it runs.
    public var version: String
    /// Its host name, if given.
    public var host: String?
    /// Its process id, if given.
    public var pid: Int32?
    /// Milliseconds since its last heartbeat, by the database's clock.
    public var heartbeatAgeMilliseconds: Int64
    /// How many runs it has `running`.
    public var runningRuns: Int
}

/// The node registry and the rescue of runs whose node stopped heartbeating (groundwork for
/// issue 14). Every instant is the database's (`steward.now_ms()`), so nodes' clocks never
/// have to agree.
///
/// - ``register(version:host:pid:)`` puts this node in `steward.nodes` (again after a restart).
/// - ``heartbeat(lease:)`` stamps the node and renews the lease of each run it has running; it
///   returns the runs this store claimed that are no longer this node's (rescued while it was
///   paused or cut off), whose work the node must stop.
/// - ``rescueExpired(grace:)``, on any node: runs whose lease ran out (or, without a lease, whose
///   node's heartbeat is older than `grace`) become `crashed` with the error `node lost`, in one
///   statement (`FOR UPDATE SKIP LOCKED`), and are returned for their retry policy. A rescue
///   bumps the claim epoch, so the node that lost the run is fenced off even from a run it
///   could otherwise still name.
extension PostgresRunStore {
    /// Registers (or re-registers) this node.
    /// - Throws: `unavailable`.
    public func register(version: String, host: String? = nil, pid: Int32? = nil) async throws(RunStoreError) {
        let node = node
        do throws(PostgresError) {
            try await connection.query("""
                INSERT INTO steward.nodes (name, version, host, pid, started_at, heartbeat_at)
                VALUES ($1, $2, $3, $4, steward.now_ms(), steward.now_ms())
                ON CONFLICT (name) DO UPDATE SET version = excluded.version, host = excluded.host, pid = excluded.pid,
                    started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped_at = NULL
                """, [.text(node), .text(version), .text(host), .integer(pid.map(Int64.init))])
        } catch {
            throw Self.unavailable(error, nil)
        }
    }

    /// Stamps this node's heartbeat and renews the lease (now + `lease`) of its running runs, in
    /// one transaction; returns the ids of runs this store claimed that it no longer holds.
    /// - Throws: `unavailable` (the node then cannot know it still holds its runs).
    public func heartbeat(lease: Duration) async throws(RunStoreError) -> [RunID] {
        let node = node
        let claimed = claimedRuns()
        let ids = claimed.keys.map(\.rawValue)
        let epochs = ids.map { String(claimed[RunID($0)] ?? 0) }
        let held: Set<String>
        do throws(PostgresError) {
            held = try await connection.transaction { session throws(PostgresError) -> Set<String> in
                try session.query("UPDATE steward.nodes SET heartbeat_at = steward.now_ms() WHERE name = $1", [.text(node)])
                try session.query("""
                    UPDATE steward.runs SET lease_expires_at = steward.now_ms() + $2 WHERE node = $1 AND state = 'running'
                    """, [.text(node), .integer(lease.milliseconds)])
                // Still this node's: the same node and claim epoch (running, or finished by this node).
                let rows = try session.query("""
                    SELECT r.run_id FROM unnest($1::text[], $2::int[]) AS c (run_id, epoch)
                    JOIN steward.runs r ON r.run_id = c.run_id AND r.claim_epoch = c.epoch AND r.node = $3
                    """, [.text(Self.arrayLiteral(ids)), .text("{" + epochs.joined(separator: ",") + "}"), .text(node)])
                return Set(rows.rows.compactMap { $0.first ?? nil })
            }
        } catch {
            throw Self.unavailable(error, nil)
        }
        let lost = claimed.keys.filter { !held.contains($0.rawValue) }
        forgetClaims(lost)
        return lost.sorted { $0.rawValue < $1.rawValue }
    }

    /// Marks `crashed` (error `node lost`, finished now) every running run whose lease ran out,
    /// or that has no lease and whose node has not heartbeaten within `grace`; returns them.
    /// - Throws: `unavailable`.
    public func rescueExpired(grace: Duration) async throws(RunStoreError) -> [RunRecord] {
        do throws(PostgresError) {
            return try await connection.withSession { session throws(PostgresError) in
                let rows = try session.query("""
                    WITH lost AS (
                        SELECT r.id FROM steward.runs r
                        WHERE r.state = 'running' AND (r.lease_expires_at < steward.now_ms()
                            OR (r.lease_expires_at IS NULL AND NOT EXISTS (
                                SELECT 1 FROM steward.nodes n WHERE n.name = r.node AND n.heartbeat_at >= steward.now_ms() - $1)))
                        FOR UPDATE SKIP LOCKED
                    )
                    UPDATE steward.runs r SET state = 'crashed', error = 'node lost', finished_at = steward.now_ms(),
                        lease_expires_at = NULL, claim_epoch = r.claim_epoch + 1
                    FROM lost WHERE r.id = lost.id
                    RETURNING \(PostgresRunRow.selection)
                    """, [.integer(grace.milliseconds)])
                return rows.rows.indices.map { PostgresRunRow.record(rows, $0).record }
            }
        } catch {
            throw Self.unavailable(error, nil)
        }
    }

    /// The registered nodes, by name, with their heartbeat age and running runs.
    /// - Throws: `unavailable`.
    public func nodes() async throws(RunStoreError) -> [PostgresNode] {
        do throws(PostgresError) {
            let rows = try await connection.query("""
                SELECT n.name, n.version, n.host, n.pid, steward.now_ms() - n.heartbeat_at,
                    (SELECT count(*) FROM steward.runs r WHERE r.node = n.name AND r.state = 'running')
                FROM steward.nodes n ORDER BY n.name
                """)
            return rows.rows.indices.map { index in
                PostgresNode(name: rows.text(index, 0) ?? "", version: rows.text(index, 1) ?? "", host: rows.text(index, 2),
                             pid: rows.int64(index, 3).map { Int32(truncatingIfNeeded: $0) },
                             heartbeatAgeMilliseconds: rows.int64(index, 4) ?? 0, runningRuns: Int(rows.int64(index, 5) ?? 0))
            }
        } catch {
            throw Self.unavailable(error, nil)
        }
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
