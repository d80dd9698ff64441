/// The journal's tables and their versioned migrations.
///
/// The file is marked with `PRAGMA application_id` (`STWD`) and `PRAGMA user_version` (the
/// schema version). A writer migrates an older file forward, one version per transaction; a file
/// with a newer version than this binary knows is refused (by writers and readers alike) with an
/// error that says so, rather than misread or damaged.
///
/// Instants are integers: milliseconds since 1970-01-01 UTC (`datetime(created_at / 1000,
/// 'unixepoch')` in the `sqlite3` shell). A request (run now, run later at T, a schedule's fire, a
/// retry) is stored as its run's `queued` row — trigger, `requested_by`, `scheduled_for`, `input` —
/// so there is one row to claim and nothing to keep consistent between two tables.
enum JournalSchema {
    /// `PRAGMA application_id` of a journal: "STWD".
    static let applicationID: Int64 = 0x5354_5744
    /// The newest schema version this binary reads and writes.
    static let currentVersion: Int64 = 4

    /// Migration `n` (at index `n - 1`) takes a file from version `n - 1` to `n`.
    static let migrations: [String] = [
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT
        ) WITHOUT ROWID;
        CREATE TABLE job_state (
            job_id TEXT PRIMARY KEY NOT NULL,
            enabled INTEGER,
            last_fired INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL UNIQUE,
            job_id TEXT NOT NULL,
            state TEXT NOT NULL,
            trigger TEXT NOT NULL,
            requested_by TEXT,
            created_at INTEGER NOT NULL,
            scheduled_for INTEGER,
            zone TEXT,
            started_at INTEGER,
            finished_at INTEGER,
            progress_fraction REAL,
            progress_message TEXT,
            exit_code INTEGER,
            signal INTEGER,
            error TEXT,
            error_detail TEXT,
            input TEXT,
            output TEXT,
            step_count INTEGER NOT NULL DEFAULT 0,
            last_completed_step TEXT,
            attempt INTEGER NOT NULL,
            retry_of TEXT,
            parent_run_id TEXT,
            proceed_of TEXT,
            proceeded_by TEXT
        );
        CREATE INDEX runs_by_job ON runs (job_id, id);
        CREATE INDEX runs_active ON runs (state) WHERE state IN ('queued', 'running');
        CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
        CREATE TABLE run_steps (
            run INTEGER NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (run, position)
        ) WITHOUT ROWID;
        CREATE TABLE run_log (
            run INTEGER NOT NULL,
            line INTEGER NOT NULL,
            time INTEGER NOT NULL,
            level TEXT NOT NULL,
            source TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (run, line)
        ) WITHOUT ROWID;
        """,
        // i13-schedule: the audit of operator actions (who asked what), newest by id.
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL,
            run_id TEXT
        );
        CREATE INDEX audit_by_time ON audit (at);
        CREATE INDEX audit_by_run ON audit (run_id) WHERE run_id IS NOT NULL;
        """,
        // i13-actions: runtime job changes kept with the revision (config fingerprint) they were made against.
        """
        ALTER TABLE job_state ADD COLUMN schedule_override TEXT;
        ALTER TABLE job_state ADD COLUMN revision TEXT;
        """,
        // i13-monitor: the monitor's runs list filters by state (and job) and pages newest first
        // (`state IN (…) ORDER BY id DESC`); its facets count runs per job and state, kept exact
        // by triggers in `run_counts` (filled from the runs already there, so this step does not
        // depend on the order of other migrations).
        """
        CREATE INDEX runs_by_state ON runs (state, id);
        CREATE INDEX runs_by_job_state ON runs (job_id, state, id);
        CREATE TABLE run_counts (
            job_id TEXT NOT NULL,
            state TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (job_id, state)
        ) WITHOUT ROWID;
        INSERT INTO run_counts (job_id, state, count) SELECT job_id, state, count(*) FROM runs GROUP BY job_id, state;
        CREATE TRIGGER run_counts_insert AFTER INSERT ON runs BEGIN
            INSERT INTO run_counts (job_id, state, count) VALUES (NEW.job_id, NEW.state, 1)
                ON CONFLICT (job_id, state) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER run_counts_delete AFTER DELETE ON runs BEGIN
            UPDATE run_counts SET count = count - 1 WHERE job_id = OLD.job_id AND state = OLD.state;
        END;
        CREATE TRIGGER run_counts_update AFTER UPDATE OF job_id, state ON runs
            WHEN OLD.job_id IS NOT NEW.job_id OR OLD.state IS NOT NEW.state BEGIN
            UPDATE run_counts SET count = count - 1 WHERE job_id = OLD.job_id AND state = OLD.state;
            INSERT INTO run_counts (job_id, state, count) VALUES (NEW.job_id, NEW.state, 1)
                ON CONFLICT (job_id, state) DO UPDATE SET count = count + 1;
        END;
        """,
    ]

    /// Sets a writer's pragmas and brings the file to ``currentVersion``.
    /// - Throws: for a file that is not a journal or has a newer schema, and for SQLite failures.
    static func prepareForWriting(_ connection: SQLiteConnection) throws(SQLiteError) {
        let mode = try connection.statement("PRAGMA journal_mode = WAL").first { $0.text(0) }
        guard mode == "wal" else {
            throw SQLiteError(code: 0, operation: "open \(connection.path)", message: "cannot switch the journal to WAL mode (got \(mode ?? "nothing"))")
        }
        try connection.execute("PRAGMA synchronous = NORMAL")
        var version = try check(connection)
        if version == 0 { try connection.execute("PRAGMA auto_vacuum = INCREMENTAL") }
        while version < currentVersion {
            let next = version + 1
            try connection.writeTransaction { () throws(SQLiteError) in
                try connection.execute(migrations[Int(next) - 1])
                try connection.execute("PRAGMA application_id = \(applicationID)")
                try connection.execute("PRAGMA user_version = \(next)")
            }
            version = next
        }
    }

    /// The file's schema version (0 for an empty file), after checking it is a journal this
    /// binary understands.
    @discardableResult
    static func check(_ connection: SQLiteConnection) throws(SQLiteError) -> Int64 {
        let application = try connection.integerPragma("application_id")
        let version = try connection.integerPragma("user_version")
        if application == 0 && version == 0 {
            let tables = try connection.statement("SELECT count(*) FROM sqlite_schema").first { $0.int64(0) } ?? 0
            guard tables == 0 else {
                throw SQLiteError(code: 0, operation: "open \(connection.path)",
                                  message: "the file is an SQLite database but not a steward journal")
            }
            return 0
        }
        guard application == applicationID else {
            throw SQLiteError(code: 0, operation: "open \(connection.path)",
                              message: "the file is an SQLite database but not a steward journal (application_id \(application))")
        }
        guard version <= currentVersion else {
            throw SQLiteError(code: 0, operation: "open \(connection.path)",
                              message: "the journal's schema version \(version) is newer than this steward understands (\(currentVersion)); "
                                  + "run a newer steward, or point journal.path at another file")
        }
        return version
    }
}
