/// A job: its identity, when it fires, how its runs are governed, and its work.
///
/// A value; hand it to ``JobScheduler/define(_:)``. Ids are unique within a scheduler (a second
/// definition with the same id is rejected).
///
/// ```swift
/// let backup = JobDefinition(id: "backup", schedule: nightly, timeout: .seconds(3600),
///                            retry: RetryPolicy(maximumAttempts: 3),
///                            job: CommandJob(["/usr/local/bin/backup", "--all"]))
/// try await scheduler.define(backup)
/// ```
public struct JobDefinition: Sendable {
    /// The unique id.
    public var id: JobID
    /// A name for people; the id by default.
    public var name: String
    /// What the job does, for listings.
    public var description: String
    /// Whether schedule fires happen (manual triggers work either way). A runtime
    /// ``JobScheduler/enable(_:)``/``JobScheduler/disable(_:)`` is persisted and wins on restart
    /// (until a definition of another ``revision``).
    public var isEnabled: Bool
    /// When the job fires by itself; `nil` for on-demand jobs.
    public var schedule: (any Schedule)?
    /// The IANA zone of ``schedule``, recorded with every run (the schedule itself does the zone
    /// arithmetic); `nil` when not applicable.
    public var zone: String?
    /// What a trigger does while a run is active. Default ``OverlapPolicy/skip``.
    public var overlap: OverlapPolicy
    /// What happens to fires missed by more than ``misfireThreshold``. Default
    /// ``MisfirePolicy/fireOnceNow``.
    public var misfire: MisfirePolicy
    /// How late a fire may be and still count as on time. Default 60 s.
    public var misfireThreshold: Duration
    /// The longest a run may take before it is stopped and recorded `timedOut`; `nil` = no limit.
    public var timeout: Duration?
    /// Automatic retries of failed runs. Default none.
    public var retry: RetryPolicy
    /// How long a stopped run may take to end before it is killed (command jobs: between the stop
    /// signal and SIGKILL). Default 10 s.
    public var stopGracePeriod: Duration
    /// Called when runs end.
    public var callbacks: RunCallbacks
    /// The work.
    public var job: any Job
    /// Labels to filter jobs and their runs by (`["billing", "nightly"]`); none by default. Set
    /// it on the value before defining it.
    public var tags: [String] = []
    /// Identifies where the definition came from (steward sets a fingerprint of the job's config
    /// entry). Runtime changes (enable, disable, reschedule) are kept in the journal with the
    /// revision they were made against and win on later starts until a definition of another
    /// revision is defined, or ``JobScheduler/reset(_:)``. `nil` by default.
    public var revision: String?

    /// Creates a definition. Only `id` and `job` are required.
    public init(id: JobID, name: String? = nil, description: String = "", isEnabled: Bool = true,
                schedule: (any Schedule)? = nil, zone: String? = nil, overlap: OverlapPolicy = .skip,
                misfire: MisfirePolicy = .fireOnceNow, misfireThreshold: Duration = .seconds(60),
                timeout: Duration? = nil, retry: RetryPolicy = .none, stopGracePeriod: Duration = .seconds(10),
                callbacks: RunCallbacks = RunCallbacks(), job: any Job) {
        self.id = id
        self.name = name ?? id.rawValue
        self.description = description
        self.isEnabled = isEnabled
        self.schedule = schedule
        self.zone = zone
        self.overlap = overlap
        self.misfire = misfire
        self.misfireThreshold = misfireThreshold
        self.timeout = timeout
        self.retry = retry
        self.stopGracePeriod = stopGracePeriod
        self.callbacks = callbacks
        self.job = job
    }

    /// Creates a definition whose work is a closure.
    public init(id: JobID, name: String? = nil, description: String = "", isEnabled: Bool = true,
                schedule: (any Schedule)? = nil, zone: String? = nil, overlap: OverlapPolicy = .skip,
                misfire: MisfirePolicy = .fireOnceNow, misfireThreshold: Duration = .seconds(60),
                timeout: Duration? = nil, retry: RetryPolicy = .none, stopGracePeriod: Duration = .seconds(10),
                callbacks: RunCallbacks = RunCallbacks(),
                execute: @escaping @Sendable (JobContext) async throws -> JobValue) {
        self.init(id: id, name: name, description: description, isEnabled: isEnabled, schedule: schedule, zone: zone,
                  overlap: overlap, misfire: misfire, misfireThreshold: misfireThreshold, timeout: timeout, retry: retry,
                  stopGracePeriod: stopGracePeriod, callbacks: callbacks, job: ClosureJob(execute))
    }

    /// Checks every field.
    /// - Throws: ``JobDefinitionError`` listing every problem: an empty id or one with control
    ///   characters, a `runAll` cap below 1, a non-positive timeout, a negative threshold or grace
    ///   period, fewer than 1 attempt, a negative backoff, a multiplier below 1, a jitter outside 0…1.
    public func validate() throws(JobDefinitionError) {
        var problems: [String] = []
        if id.rawValue.isEmpty { problems.append("the id is empty") }
        if id.rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems.append("the id contains control characters")
        }
        if let cap = misfire.runAllCap, cap < 1 { problems.append("the runAll cap must be at least 1 (got \(cap))") }
        if misfireThreshold < .zero { problems.append("the misfire threshold must not be negative") }
        if let timeout, timeout <= .zero { problems.append("the timeout must be positive") }
        if stopGracePeriod < .zero { problems.append("the stop grace period must not be negative") }
        if retry.maximumAttempts < 1 { problems.append("retries need at least 1 attempt (got \(retry.maximumAttempts))") }
        if retry.initialBackoff < .zero || retry.maximumBackoff < .zero { problems.append("retry backoffs must not be negative") }
        if !(retry.multiplier >= 1) { problems.append("the retry multiplier must be at least 1") }
        if !(0...1).contains(retry.jitter) { problems.append("the retry jitter must be within 0…1") }
        if !problems.isEmpty { throw JobDefinitionError(jobId: id, problems: problems) }
    }
}
