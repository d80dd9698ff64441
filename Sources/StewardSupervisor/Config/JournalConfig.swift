import StewardJobs
import StewardJournal
import StewardPostgres

/// Where steward keeps the run journal of its jobs, and for how long:
/// `journal: { path, retention: { succeeded: "15d", failed: "30d", keepLast: 100, every: "1h" } }`;
/// `retention.default` gives every final state one age, which the per-state keys override.
///
/// Without a `journal` section a config with jobs uses ``defaultPath(environment:uid:)``. A
/// relative path is resolved against the config file's directory.
public struct JournalConfig: Sendable, Equatable {
    /// The SQLite file; `nil` for ``defaultPath(environment:uid:)``.
    public var path: String?
    /// What retention keeps.
    public var retention: RetentionPolicy
    /// How often the retention job runs. Default 1 h.
    public var retentionEvery: Duration
    /// A PostgreSQL journal that several stewards share instead of the SQLite file; `nil` for the file.
    public var shared: SharedJournalConfig?

    /// Creates a journal config; by default at the default path with the default retention.
    public init(path: String? = nil, retention: RetentionPolicy = RetentionPolicy(), retentionEvery: Duration = .seconds(3600)) {
        self.path = path
        self.retention = retention
        self.retentionEvery = retentionEvery
        self.shared = nil
    }

    /// The retention job's id (a configured job may not use it).
    public static let retentionJobName = "journal-retention"

    /// Where the journal is when the config names no path: `$STEWARD_JOURNAL` if set; else
    /// `/var/lib/steward/journal.sqlite` for root; else `$XDG_STATE_HOME/steward/journal.sqlite`,
    /// or `$HOME/.local/state/steward/journal.sqlite`, or `/tmp/steward-UID/journal.sqlite`
    /// without a home. The directory is created (mode 0700) when missing; being steward's own
    /// (``ownsDirectory(environment:)``), an existing one must be private.
    public static func defaultPath(environment: [String: String], uid: UInt32) -> String {
        if let path = environment["STEWARD_JOURNAL"], !path.isEmpty { return path }
        if uid == 0 { return "/var/lib/steward/journal.sqlite" }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/steward/journal.sqlite" }
        if let home = environment["HOME"], home.hasPrefix("/"), home != "/" { return home + "/.local/state/steward/journal.sqlite" }
        return "/tmp/steward-\(uid)/journal.sqlite"
    }

    /// The journal's file: ``path`` or the default.
    public func resolvedPath(environment: [String: String], uid: UInt32) -> String {
        path ?? Self.defaultPath(environment: environment, uid: uid)
    }

    /// Whether the journal's directory is steward's own — the default path's `steward` (or
    /// `/tmp/steward-UID`) directory, not one the config or `$STEWARD_JOURNAL` names — and so
    /// must be this user's alone (`StewardJournal/JournalOptions/privateDirectory`): under
    /// `/tmp` another user could have made it first.
    public func ownsDirectory(environment: [String: String]) -> Bool {
        path == nil && (environment["STEWARD_JOURNAL"] ?? "").isEmpty
    }
}

extension JournalConfig {
    /// The keys of `journal` and of its `retention`.
    static let keys = ["path", "retention"] + SharedJournalConfig.keys
    static let retentionKeys = RunState.allCases.filter(\.isFinal).map(\.name) + ["default", "keepLast", "every", "batchSize"]

    /// Reads `journal: { path, retention }`, reporting every problem.
    static func decode(_ node: ConfigNode) -> JournalConfig? {
        guard let object = node.object(keys: keys) else { return nil }
        var config = JournalConfig()
        if let pathNode = object["path"], let path = pathNode.string() { config.path = node.session.resolve(path) }
        config.shared = SharedJournalConfig.decode(object, node)
        guard let retentionNode = object["retention"],
              let retention = retentionNode.object(keys: retentionKeys) else { return config }
        var ages = RetentionPolicy.defaultAges
        if let age = retention["default"]?.duration(positive: true) { ages = RetentionPolicy.ages(default: age) }
        for state in RunState.allCases where state.isFinal {
            if let age = retention[state.name]?.duration(positive: true) { ages[state] = age }
        }
        let keepLast = retention["keepLast"]?.integer(atLeast: 0) ?? config.retention.keepLast
        let batchSize = retention["batchSize"]?.integer(atLeast: 1) ?? config.retention.batchSize
        config.retention = RetentionPolicy(maximumAge: ages, keepLast: keepLast, batchSize: batchSize)
        if let every = retention["every"]?.duration(positive: true) { config.retentionEvery = every }
        return config
    }
}
