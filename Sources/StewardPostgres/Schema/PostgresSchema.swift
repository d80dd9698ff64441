/// The shared journal's tables in PostgreSQL, in a schema of their own (`steward`), and their
/// versioned migrations.
///
/// `steward.schema_version` holds one row per applied version. ``migrate(_:node:)`` runs in one
/// transaction that first takes a transaction-scoped advisory lock (`pg_advisory_xact_lock`), so
/// when several nodes start at once one migrates and the others wait, then find the work done;
/// PostgreSQL's DDL is transactional, so a failed migration leaves nothing half-applied. A
/// database with a newer version than this binary knows is refused with an error that says so.
///
/// The tables mirror the SQLite journal's (`JournalSchema`): instants are integers, milliseconds
/// since 1970-01-01 UTC (`to_timestamp(created_at / 1000.0)` in psql), taken from the database's
/// clock (`steward.now_ms()`) wherever nodes compare them. What several nodes need besides:
/// - `runs.node`, `runs.claim_epoch`, `runs.lease_expires_at`: the node that claimed a run, a
///   counter bumped by every claim (the fencing token every final update names), and the lease
///   its heartbeat renews;
/// - a unique index on `(job_id, scheduled_for)` for schedule fires: two nodes that both fire the
///   same instant insert one run;
/// - `nodes`: the registry, one row per node with its heartbeat;
/// - `audit.node` and `job_state.updated_at`: which node acted, and when state last changed.
///
/// Version 2 adds what admission, claiming and cross-node stops need:
/// - `runs.stop_requested`: another node asked the run's node to stop it (what ``PostgresRunStore/heartbeat()``
///   reports, the polling fallback of the `steward_actions` notification);
/// - `runs_one_retry`: a unique index on `retry_of` for automatic retries (`trigger = 'retry'`), so a
///   failed or rescued run is retried once whichever nodes try;
/// - `runs_by_run_id_prefix`: `run_id` with `text_pattern_ops`, so a prefix search (`LIKE 'abc%'`)
///   uses an index whatever the database's collation;
/// - `steward.admission(job, fire, retried, scheduled, overlap)`: takes the job's advisory lock for
///   the transaction, then decides an admission (a duplicate fire or retry, or a skip by the overlap
///   policy) on what is committed, so an admission is one statement.
///
/// Version 3 adds to `nodes`:
/// - `instance`: a token each steward draws at start, so two stewards given the same node name by
///   mistake cannot both be that node (``PostgresRunStore/join(version:reason:)`` refuses the
///   second while the first heartbeats);
/// - `lease_ms`: the node's lease, so whoever lists the nodes tells a silent one by its own lease.
///
/// Every migration only adds (columns with defaults, indexes, functions): a node of the previous
/// version still running reads and writes the tables as before.
public enum PostgresSchema {
    /// The newest schema version this binary reads and writes.
    public static let currentVersion = 3

    /// The advisory lock key migrations hold ("STWD" and "MIGR" as two 32-bit halves).
    static let migrationLock: Int64 = 0x5354_5744_4D49_4752

    /// Migration `n` (at index `n - 1`) takes the database from version `n - 1` to `n`.
    static let migrations: [String] = [
        """
        CREATE FUNCTION steward.now_ms() RETURNS bigint LANGUAGE sql VOLATILE
            AS $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;
        CREATE TABLE steward.nodes (
            name text PRIMARY KEY,
            version text NOT NULL,
            host text,
            pid integer,
            started_at bigint NOT NULL,
            heartbeat_at bigint NOT NULL,
            stopped_at bigint
        );
        CREATE TABLE steward.job_state (
            job_id text PRIMARY KEY,
            enabled boolean,
            last_fired bigint,
            schedule_override text,
            revision text,
            updated_at bigint NOT NULL DEFAULT steward.now_ms(),
            updated_by text
        );
        CREATE TABLE steward.runs (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id text NOT NULL UNIQUE,
            job_id text NOT NULL,
            state text NOT NULL,
            trigger text NOT NULL,
            requested_by text,
            created_at bigint NOT NULL,
            scheduled_for bigint,
            zone text,
            started_at bigint,
            finished_at bigint,
            progress_fraction double precision,
            progress_message text,
            exit_code integer,
            signal integer,
            error text,
            error_detail text,
            input text,
            output text,
            step_count integer NOT NULL DEFAULT 0,
            last_completed_step text,
            attempt integer NOT NULL,
            retry_of text,
            parent_run_id text,
            proceed_of text,
            proceeded_by text,
            node text,
            claim_epoch integer NOT NULL DEFAULT 0,
            lease_expires_at bigint
        );
        CREATE UNIQUE INDEX runs_one_per_fire ON steward.runs (job_id, scheduled_for)
            WHERE trigger = 'schedule' AND scheduled_for IS NOT NULL;
        CREATE INDEX runs_by_job ON steward.runs (job_id, id);
        CREATE INDEX runs_by_state ON steward.runs (state, id);
        CREATE INDEX runs_by_job_state ON steward.runs (job_id, state, id);
        CREATE INDEX runs_queued ON steward.runs (coalesce(scheduled_for, created_at), id) WHERE state = 'queued';
        CREATE INDEX runs_running_by_node ON steward.runs (node) WHERE state = 'running';
        CREATE INDEX runs_by_parent ON steward.runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
        CREATE TABLE steward.run_steps (
            run bigint NOT NULL REFERENCES steward.runs (id) ON DELETE CASCADE,
            position integer NOT NULL,
            name text NOT NULL,
            PRIMARY KEY (run, position)
        );
        CREATE TABLE steward.run_log (
            run bigint NOT NULL REFERENCES steward.runs (id) ON DELETE CASCADE,
            line integer NOT NULL,
            time bigint NOT NULL,
            level text NOT NULL,
            source text NOT NULL,
            text text NOT NULL,
            PRIMARY KEY (run, line)
        );
        CREATE TABLE steward.audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at bigint NOT NULL,
            actor text NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            detail text NOT NULL,
            run_id text,
            node text
        );
        CREATE INDEX audit_by_time ON steward.audit (at);
        CREATE INDEX audit_by_run ON steward.audit (run_id) WHERE run_id IS NOT NULL;
        """,
        """
        ALTER TABLE steward.runs ADD COLUMN stop_requested boolean NOT NULL DEFAULT false;
        CREATE UNIQUE INDEX runs_one_retry ON steward.runs (retry_of) WHERE trigger = 'retry' AND retry_of IS NOT NULL;
        CREATE INDEX runs_by_run_id_prefix ON steward.runs (run_id text_pattern_ops);
        CREATE FUNCTION steward.admission(job text, fire bigint, retried text, scheduled bigint, overlap text,
                                          OUT duplicate text, OUT skip boolean)
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            running bigint;
            waiting bigint;
        BEGIN
            skip := false;
            -- Each statement below takes a fresh snapshot: it sees what was committed while the lock was awaited.
            PERFORM pg_advisory_xact_lock(1398036292, hashtext(job));
            IF fire IS NOT NULL THEN
                SELECT format('job %s''s fire at %s ms is already run %s', job, fire, r.run_id) || coalesce(' (node ' || r.node || ')', '')
                    INTO duplicate FROM steward.runs r WHERE r.job_id = job AND r.trigger = 'schedule' AND r.scheduled_for = fire LIMIT 1;
                IF duplicate IS NOT NULL THEN RETURN; END IF;
            END IF;
            IF retried IS NOT NULL THEN
                SELECT format('run %s is already retried as run %s', retried, r.run_id)
                    INTO duplicate FROM steward.runs r WHERE r.retry_of = retried AND r.trigger = 'retry' LIMIT 1;
                IF duplicate IS NOT NULL THEN RETURN; END IF;
            END IF;
            IF overlap = 'allow' THEN RETURN; END IF;
            IF retried IS NULL AND coalesce(scheduled, 0) > steward.now_ms() THEN RETURN; END IF;
            SELECT count(*) FILTER (WHERE r.state = 'running'),
                   count(*) FILTER (WHERE r.state = 'queued'
                                    AND (r.trigger = 'retry' OR coalesce(r.scheduled_for, r.created_at) <= steward.now_ms()))
                INTO running, waiting FROM steward.runs r WHERE r.job_id = job AND r.state IN ('queued', 'running');
            skip := CASE WHEN overlap = 'skip' THEN running + waiting > 0 ELSE waiting > 0 END;
        END $$;
        """,
        """
        ALTER TABLE steward.nodes ADD COLUMN instance text, ADD COLUMN lease_ms bigint;
        """,
    ]

    /// Brings the database to ``currentVersion`` (creating the `steward` schema if needed), under
    /// the migration lock, in one transaction; returns the versions before and after.
    /// - Throws: `schema` for a database newer than this binary; `query`/`connection` otherwise
    ///   (nothing is applied then).
    @discardableResult
    public static func migrate(_ session: PostgresSession, node: String? = nil) throws(PostgresError) -> (from: Int, to: Int) {
        try session.transaction { session throws(PostgresError) -> (from: Int, to: Int) in
            try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(migrationLock)])
            try session.execute("SET LOCAL client_min_messages = warning")  // no NOTICE for what exists already
            try session.execute("""
                CREATE SCHEMA IF NOT EXISTS steward;
                CREATE TABLE IF NOT EXISTS steward.schema_version (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    applied_by text
                );
                """)
            let from = try version(session)
            try refuseNewer(from)
            for next in (from + 1)..<(currentVersion + 1) {
                try session.execute(migrations[next - 1])
                try session.query("INSERT INTO steward.schema_version (version, applied_by) VALUES ($1, $2)",
                                  [.integer(Int64(next)), .text(node)])
            }
            return (from, max(from, currentVersion))
        }
    }

    /// The database's schema version (0 when no steward schema is there), after checking this
    /// binary can use it: what a reader (`steward runs --journal URL`) calls instead of migrating.
    /// - Throws: `schema` for a newer version.
    @discardableResult
    public static func check(_ session: PostgresSession) throws(PostgresError) -> Int {
        let exists = try session.query("SELECT to_regclass('steward.schema_version') IS NOT NULL").bool(0, 0) ?? false
        guard exists else { return 0 }
        let found = try version(session)
        try refuseNewer(found)
        return found
    }

    private static func version(_ session: PostgresSession) throws(PostgresError) -> Int {
        Int(try session.query("SELECT coalesce(max(version), 0) FROM steward.schema_version").int64(0, 0) ?? 0)
    }

    private static func refuseNewer(_ version: Int) throws(PostgresError) {
        guard version <= currentVersion else {
            throw PostgresError(.schema, message: "database schema v\(version) is newer than this steward (v\(currentVersion)): "
                                    + "run a newer steward on every node, or point journal.postgres at another database")
        }
    }
}
