#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import StewardJobs
import StewardJournal

/// The node registry (`steward.nodes`), heartbeats with lease renewal, and the rescue of runs
/// whose node went silent. Heartbeat and rescue go through a connection of their own, so a slow
/// write never delays them. Every instant is the database's (`steward.now_ms()`).
extension PostgresRunStore: SharedRunStore {
    /// Puts this node in the registry (name, version, host, process id; again after a restart)
    /// and crashes, with `reason`, the runs a previous instance *of this node* left running;
    /// returns them for their retry policy. A name is one steward's at a time: the registry row
    /// carries the token of the steward holding it, and is taken over only from one that left,
    /// fell silent past the lease, or is this one. A second live steward with the name is refused
    /// (its journal unhealthy, naming the holder) and joins once the name is free.
    /// - Throws: `unavailable`; `conflict` while another live steward holds the name.
    public func join(version: String, reason: String) async throws(RunStoreError) -> [RunRecord] {
        let (node, instance) = (node, instance)
        let host = Self.hostName()
        let pid = Int64(getpid())
        let lease = options.lease.milliseconds
        // The name is taken over only from a steward that left, fell silent past its lease, or
        // is this one; otherwise the holder is described, and nothing changes.
        let holder = try await write(nil) { session throws(PostgresError) -> (host: String?, pid: Int64?, silentFor: Int64)? in
            let joined = try session.query("""
                INSERT INTO steward.nodes AS n (name, version, host, pid, started_at, heartbeat_at, instance, lease_ms)
                VALUES ($1, $2, $3, $4, steward.now_ms(), steward.now_ms(), $5, $6)
                ON CONFLICT (name) DO UPDATE SET version = excluded.version, host = excluded.host, pid = excluded.pid,
                    started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped_at = NULL,
                    instance = excluded.instance, lease_ms = excluded.lease_ms
                WHERE n.instance IS NOT DISTINCT FROM excluded.instance OR n.stopped_at IS NOT NULL
                    OR n.heartbeat_at < steward.now_ms() - coalesce(n.lease_ms, $6)
                RETURNING name
                """, [.text(node), .text(version), .text(host), .integer(pid), .text(instance), .integer(lease)])
            guard joined.rows.isEmpty else { return nil }
            let other = try session.query("SELECT host, pid, steward.now_ms() - heartbeat_at FROM steward.nodes WHERE name = $1",
                                          [.text(node)])
            return (other.text(0, 0), other.int64(0, 1), max(0, other.int64(0, 2) ?? 0))
        }
        if let holder {
            let message = "the node name \"\(node)\" is held by another live steward (host \(holder.host ?? "?"), pid "
                + "\(holder.pid.map(String.init) ?? "?"), heartbeat \(holder.silentFor) ms ago): this one joins once that one stops "
                + "or is silent past the lease; give each steward its own journal.node"
            nameConflict.withLock { conflict in
                if conflict?.reason != message { conflict = JournalHealth(isHealthy: false, reason: message, since: conflict?.since ?? Date()) }
            }
            throw RunStoreError(.conflict, message: message)
        }
        nameConflict.withLock { $0 = nil }
        return try await crashOwnRuns(reason: reason, at: nil)
    }

    /// Marks this node stopped in the registry (a clean shutdown). Errors are ignored: a node
    /// that could not say so is only listed as silent. A steward that does not hold its name
    /// (another one does) changes nothing.
    public func leave() async {
        let (node, instance) = (node, instance)
        _ = try? await write(nil) { session throws(PostgresError) in
            try session.query("UPDATE steward.nodes SET stopped_at = steward.now_ms() WHERE name = $1 AND instance = $2",
                              [.text(node), .text(instance)])
        }
    }

    /// Stamps this node alive and renews the lease (now + ``PostgresJournalOptions/lease``) of
    /// each run it has running, in one transaction. Returns the runs this store claimed that are
    /// no longer its own (rescued, or claimed again elsewhere: stop them, write nothing) and the
    /// runs another node asked to stop (each reported once).
    /// - Throws: `unavailable` (the node then cannot know it still holds its runs).
    public func heartbeat() async throws(RunStoreError) -> SharedHeartbeat {
        guard !isReadOnly else { return SharedHeartbeat() }
        let node = node
        let claimed = claims.withLock { $0 }
        let ids = claimed.keys.map(\.rawValue).sorted()
        let epochs = ids.map { Int64(claimed[RunID($0)] ?? 0) }
        let lease = options.lease.milliseconds
        let instance = instance
        let beat = try await perform(on: pulse, nil) { session throws(PostgresError) -> (held: Set<String>, stops: [String])? in
            try session.transaction { session throws(PostgresError) -> (held: Set<String>, stops: [String])? in
                // Only while the registry row is this steward's: another one may have taken the
                // name over while this one was silent past its lease; its runs are not renewed here.
                let stamped = try session.query("""
                    UPDATE steward.nodes SET heartbeat_at = steward.now_ms() WHERE name = $1 AND instance = $2 RETURNING name
                    """, [.text(node), .text(instance)])
                guard !stamped.rows.isEmpty else { return nil }
                let running = try session.query("""
                    UPDATE steward.runs SET lease_expires_at = steward.now_ms() + $2 WHERE node = $1 AND state = 'running'
                    RETURNING run_id, stop_requested
                    """, [.text(node), .integer(lease)])
                // Still this node's: the same node and claim epoch (running, or finished by this node).
                let rows = try session.query("""
                    SELECT r.run_id FROM unnest($1::text[], $2::int[]) AS c (run_id, epoch)
                    JOIN steward.runs r ON r.run_id = c.run_id AND r.claim_epoch = c.epoch AND r.node = $3
                    """, [.text(Self.arrayLiteral(ids)), .text(Self.arrayLiteral(epochs)), .text(node)])
                let stops = running.rows.filter { $0.count == 2 && $0[1] == "t" }.compactMap { $0[0] }
                return (Set(rows.rows.compactMap { $0.first ?? nil }), stops)
            }
        }
        guard let (held, stops) = beat else {
            // Not this node (any more): every claim is lost, and it must join again.
            let lost = claims.withLock { claims -> [RunID] in
                defer { claims.removeAll() }
                return claims.keys.sorted { $0.rawValue < $1.rawValue }
            }
            for runId in lost { progress.forget(runId) }
            return SharedHeartbeat(lost: lost, displaced: true)
        }
        // A claim this store dropped meanwhile (finished) is not lost.
        let lost = claims.withLock { claims -> [RunID] in
            let lost = claimed.filter { !held.contains($0.key.rawValue) && claims[$0.key] == $0.value }.map(\.key)
            for runId in lost { claims.removeValue(forKey: runId) }
            return lost.sorted { $0.rawValue < $1.rawValue }
        }
        for runId in lost { progress.forget(runId) }
        let requested = reportedStops.withLock { reported -> [RunID] in
            let ids = stops.map { RunID($0) }
            let new = ids.filter { !reported.contains($0) && !lost.contains($0) }
            reported.formIntersection(ids)
            reported.formUnion(new)
            return new.sorted { $0.rawValue < $1.rawValue }
        }
        return SharedHeartbeat(lost: lost, stopRequested: requested)
    }

    /// Marks `crashed` (error `node lost`, finished now, claim epoch bumped) every running run
    /// whose lease ran out, or that has no lease and whose node has not heartbeaten within the
    /// lease; in one statement (`FOR UPDATE SKIP LOCKED`), so each is rescued by one node.
    /// Returns them, for their retry policy.
    /// - Throws: `unavailable`.
    public func rescue() async throws(RunStoreError) -> [RunRecord] {
        guard !isReadOnly else { return [] }
        let node = node
        let lease = options.lease.milliseconds
        return try await perform(on: pulse, nil) { session throws(PostgresError) -> [RunRecord] in
            try session.transaction { session throws(PostgresError) -> [RunRecord] in
                let rows = try session.query("""
                    WITH lost AS (
                        SELECT r.id FROM steward.runs r
                        WHERE r.state = 'running' AND (r.lease_expires_at < steward.now_ms()
                            OR (r.lease_expires_at IS NULL AND NOT EXISTS (
                                SELECT 1 FROM steward.nodes n WHERE n.name = r.node AND n.heartbeat_at >= steward.now_ms() - $1)))
                        FOR UPDATE SKIP LOCKED
                    )
                    UPDATE steward.runs r SET state = 'crashed', error = 'node lost', finished_at = steward.now_ms(),
                        lease_expires_at = NULL, stop_requested = false, claim_epoch = r.claim_epoch + 1
                    FROM lost WHERE r.id = lost.id
                    RETURNING \(PostgresRunRow.selection)
                    """, [.integer(lease)])
                if !rows.rows.isEmpty { try Self.notify(PostgresChannel.runs, node, session) }
                return Self.selected(rows).map(\.record).sorted { $0.createdAt < $1.createdAt }
            }
        }
    }

    /// Every node that joined, by name, with its heartbeat age (database clock) and running runs.
    /// - Throws: `unavailable`.
    public func nodes() async throws(RunStoreError) -> [NodeStatus] {
        let rows = try await read(nil) { session throws(PostgresError) in
            try session.query("""
                SELECT n.name, n.version, n.host, n.pid, steward.now_ms() - n.heartbeat_at,
                    (SELECT count(*) FROM steward.runs r WHERE r.node = n.name AND r.state = 'running'), n.stopped_at IS NOT NULL,
                    n.lease_ms
                FROM steward.nodes n ORDER BY n.name
                """)
        }
        return rows.rows.indices.map { index in
            NodeStatus(name: rows.text(index, 0) ?? "", version: rows.text(index, 1) ?? "", host: rows.text(index, 2),
                       pid: rows.int64(index, 3).map { Int32(truncatingIfNeeded: $0) },
                       heartbeatAge: .milliseconds(max(0, rows.int64(index, 4) ?? 0)), runningRuns: Int(rows.int64(index, 5) ?? 0),
                       stopped: rows.bool(index, 6) ?? false, lease: rows.int64(index, 7).map { .milliseconds($0) })
        }
    }

    /// What other nodes did that this node must act on (their notifications), plus
    /// `resynchronize` after the connection was lost and found again; in poll-only mode, only
    /// what this store did itself. Every subscriber gets every event from the moment it
    /// subscribed; the streams end when the store is closed.
    public func events() -> AsyncStream<SharedStoreEvent> {
        hub.stream()
    }

    /// This machine's host name, if it has one.
    static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
