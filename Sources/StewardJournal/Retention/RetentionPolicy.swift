import StewardJobs

/// How long the journal keeps ended runs: by age per final state, and the newest runs of each
/// job whatever their age. A run goes only when both rules let it go — it is older than its
/// state's age *and* not among its job's newest ``keepLast`` — so whichever keeps more wins.
/// Active runs (`queued`, `running`) are never removed.
public struct RetentionPolicy: Sendable, Hashable {
    /// The age past which an ended run may go, by final state (its `finishedAt`, or its creation
    /// for a run that never started). A state without an age is kept forever.
    public var maximumAge: [RunState: Duration]
    /// The newest ended runs kept per job, whatever their age.
    public var keepLast: Int
    /// The most runs removed in one transaction, so a large clean-up never holds the writer
    /// long. Default 500.
    public var batchSize: Int

    /// Ages used when none are given: successes and the quiet ends (`stopped`, `skipped`,
    /// `missed`) 15 days; failures (`failed`, `timedOut`, `crashed`, `killed`) and `interrupted`
    /// runs 30 days.
    public static let defaultAges: [RunState: Duration] = {
        var ages: [RunState: Duration] = [:]
        for state in [RunState.succeeded, .stopped, .skipped, .missed] { ages[state] = .seconds(15 * 86_400) }
        for state in [RunState.failed, .timedOut, .crashed, .killed, .interrupted] { ages[state] = .seconds(30 * 86_400) }
        return ages
    }()

    /// The same `age` for every final state: "everything after 10 h" is
    /// `RetentionPolicy(maximumAge: .ages(default: .seconds(36_000)))`; change single states on
    /// the result to override them.
    public static func ages(default age: Duration) -> [RunState: Duration] {
        Dictionary(uniqueKeysWithValues: RunState.allCases.filter(\.isFinal).map { ($0, age) })
    }

    /// How long the journal keeps the audit of operator actions: the longest age of any final
    /// state (30 days by default; 10 h when every state's age is 10 h), so the record of an
    /// action lives as long as the runs it may concern. `nil` when some state is kept forever.
    public var auditAge: Duration? {
        let finals = RunState.allCases.filter(\.isFinal)
        guard finals.allSatisfy({ maximumAge[$0] != nil }) else { return nil }
        return finals.compactMap { maximumAge[$0] }.max()
    }

    /// Creates a policy; by default ``defaultAges``, the last 100 runs per job, batches of 500.
    public init(maximumAge: [RunState: Duration] = RetentionPolicy.defaultAges, keepLast: Int = 100, batchSize: Int = 500) {
        self.maximumAge = maximumAge.filter { $0.key.isFinal }
        self.keepLast = max(0, keepLast)
        self.batchSize = max(1, batchSize)
    }
}

/// What one retention pass removed.
public struct RetentionReport: Sendable, Hashable {
    /// Runs removed (with their logs and steps).
    public var runs: Int
    /// Log lines removed with them.
    public var logLines: Int
    /// Transactions used.
    public var batches: Int

    /// Creates a report.
    public init(runs: Int = 0, logLines: Int = 0, batches: Int = 0) {
        self.runs = runs
        self.logLines = logLines
        self.batches = batches
    }
}
