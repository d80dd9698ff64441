/// How a ``SQLiteRunStore`` keeps its journal.
public struct JournalOptions: Sendable, Hashable {
    /// The largest total of text bytes kept per run's log; past it one truncation marker is
    /// written and later lines are dropped. Default 1 MiB.
    public var maximumLogBytes: Int
    /// The most lines kept per run's log. Default 100,000.
    public var maximumLogLines: Int
    /// How long a write waits for a lock another process holds before it fails (and the journal
    /// is reported locked). Default 5 s.
    public var busyTimeout: Duration
    /// The least time between two progress writes of one run: progress is coalesced to at most
    /// one write per interval (the latest value wins; the final record always has the last one).
    /// Default 100 ms, so at most 10 writes a second per run.
    public var progressInterval: Duration
    /// While the journal is unhealthy (disk full, read-only, locked), how often the writer tries
    /// again. Default 1 s.
    public var retryInterval: Duration
    /// The most log lines held in memory while the journal cannot be written; later lines are
    /// dropped, counted, and noted in the run's log once it can be written again. Default 20,000.
    public var backlogLines: Int
    /// While the journal cannot be written, the least time between two reminders in the log (with
    /// what waits in memory and what was dropped). The outage's start is a warning and its end a
    /// notice, each logged once, whatever the interval. Default 1 min.
    public var outageReminderInterval: Duration
    /// Whether the journal's directory is steward's own (the default path's, such as
    /// `/tmp/steward-UID`, which another user could create first): it is created with mode 0700,
    /// and an existing one is used only if it is a real directory (not a symbolic link) owned by
    /// this user and not writable by its group or others; otherwise the journal stays unhealthy
    /// with a reason naming the directory. Off for a path the operator chose (its directory is
    /// theirs to share). Default `false`.
    public var privateDirectory: Bool

    /// Creates options; every argument has the default described on its property.
    public init(maximumLogBytes: Int = 1 << 20, maximumLogLines: Int = 100_000, busyTimeout: Duration = .seconds(5),
                progressInterval: Duration = .milliseconds(100), retryInterval: Duration = .seconds(1),
                backlogLines: Int = 20_000, outageReminderInterval: Duration = .seconds(60), privateDirectory: Bool = false) {
        self.maximumLogBytes = max(0, maximumLogBytes)
        self.maximumLogLines = max(0, maximumLogLines)
        self.busyTimeout = busyTimeout
        self.progressInterval = progressInterval
        self.retryInterval = retryInterval
        self.backlogLines = max(0, backlogLines)
        self.outageReminderInterval = outageReminderInterval
        self.privateDirectory = privateDirectory
    }
}
