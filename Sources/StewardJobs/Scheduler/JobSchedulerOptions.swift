import StewardCore

/// Settings of a ``JobScheduler``. Every field has a documented default.
public struct JobSchedulerOptions: Sendable {
    /// The most runs executing at once across all jobs; further runs wait in FIFO order.
    /// Child runs are exempt (a parent waiting for its child would otherwise deadlock a limit of
    /// 1). Default `nil`: no limit.
    public var workerLimit: Int?
    /// Where the scheduler logs (runs started and ended, journal failures, callback errors).
    /// Default: standard output at `info`, labelled `jobs`.
    public var logger: Logger
    /// Random numbers in 0..<1 for retry jitter. Default `Double.random(in:)`.
    public var random: @Sendable () -> Double
    /// The most `missed` records written for one misfire (the newest are kept; the rest are
    /// counted in the log). Default 100.
    public var missedRecordLimit: Int
    /// The most fires enumerated when catching up after downtime, per job and wake-up; fires
    /// beyond it are treated as missed without being listed. Default 10,000.
    public var catchUpLimit: Int
    /// How many lines of a command's stderr its failure record keeps in `errorDetail`. Default 20.
    public var stderrTailLines: Int
    /// The version this scheduler reports to the other nodes of a shared journal
    /// (``SharedRunStore/join(version:reason:)``). Default `"steward-jobs"`.
    public var version: String

    /// Creates options; every parameter has the default documented on its property.
    public init(workerLimit: Int? = nil, logger: Logger = Logger(label: "jobs"),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                missedRecordLimit: Int = 100, catchUpLimit: Int = 10_000, stderrTailLines: Int = 20,
                version: String = "steward-jobs") {
        self.version = version
        self.workerLimit = workerLimit.map { max(1, $0) }
        self.logger = logger
        self.random = random
        self.missedRecordLimit = max(0, missedRecordLimit)
        self.catchUpLimit = max(1, catchUpLimit)
        self.stderrTailLines = max(0, stderrTailLines)
    }
}
