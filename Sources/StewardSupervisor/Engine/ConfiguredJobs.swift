import StewardCore
import StewardJobs
import StewardJournal
import StewardPostgres
import StewardProcesses
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The config's `jobs` as a component of the runner: a `JobScheduler` whose definitions are
/// the configured commands. It sits in a priority group after every process, so scheduled runs
/// begin once the processes they may need are ready, and stop first in the unwind.
public final class ConfiguredJobs: Runnable {
    /// The scheduler (for triggers, queries and run logs).
    public let scheduler: JobScheduler
    private let environment: [String: String]
    /// The scheduler's store (hooks add their output to a run's log).
    private let store: any RunStore
    private let initial: [JobConfig]
    private let defined = Mutex<[String: JobConfig]>([:])

    /// The component's name in the runner.
    public static let componentName = "jobs"

    /// The run journal the runs are kept in, when there is one (else they live in memory).
    public let journal: (any JournalBackend)?
    /// Where operator actions are recorded: beside the runs, in the journal (or in memory).
    public let auditLog: any AuditLog
    private let retention: JournalConfig

    /// Creates the component; definitions are added in `initialize`.
    /// - Parameters:
    ///   - environment: steward's environment, inherited by every command.
    ///   - journal: the run journal; `nil` keeps runs in memory.
    ///   - retention: the journal's retention (its job runs on `retentionEvery`).
    public init(jobs: [JobConfig], environment: [String: String], journal: (any JournalBackend)? = nil,
                retention: JournalConfig = JournalConfig(), logger: Logger) {
        let journaled: any RunStore & AuditLog = journal.map { $0 as any RunStore & AuditLog } ?? InMemoryRunStore()
        store = journaled
        scheduler = JobScheduler(store: journaled, options: JobSchedulerOptions(logger: logger.with(["component": Self.componentName]),
                                                                               version: Self.version))
        auditLog = journaled
        self.environment = environment
        self.journal = journal
        self.retention = retention
        initial = jobs
    }

    /// The component for `config`'s jobs, keeping their runs in the journal its `journal`
    /// section names: the SQLite file (at the default path without one), or the PostgreSQL
    /// database several stewards share (``SharedJournalConfig``), reached in the background: the
    /// jobs wait for it, the processes never do.
    /// - Throws: ``ConfigIssues`` when the shared journal's connection string or node name is wrong.
    public static func journaled(_ config: SupervisorConfig, environment: [String: String], logger: Logger) throws(ConfigIssues) -> ConfiguredJobs {
        let settings = config.journal ?? JournalConfig()
        let journalLogger = logger.with(["component": "journal"])
        let journal: any JournalBackend
        if let shared = settings.shared {
            do throws(PostgresError) {
                journal = try PostgresRunStore.openWhenReachable(try PostgresConfiguration(parsing: shared.connection),
                                                                 options: shared.options(), logger: journalLogger)
            } catch {
                throw ConfigIssues([ConfigIssue(path: "journal.postgres", message: error.message)])
            }
        } else {
            journal = SQLiteRunStore(path: settings.resolvedPath(environment: environment, uid: getuid()),
                                     options: JournalOptions(privateDirectory: settings.ownsDirectory(environment: environment)),
                                     logger: journalLogger)
        }
        return ConfiguredJobs(jobs: config.jobs, environment: environment, journal: journal, retention: settings, logger: logger)
    }

    /// The version a node reports to the others of a shared journal.
    public static let version = "steward 0.1.0"

    /// Recovers what a previous steward left in the journal, defines the jobs (and the
    /// journal's retention job).
    public func initialize(_ context: LifecycleContext) async throws {
        do {
            try await scheduler.initialize(context)
            for job in initial { try await define(job) }
            if let journal {
                let schedule = try IntervalSchedule(every: retention.retentionEvery, anchor: .now)
                try await scheduler.define(.journalRetention(journal, policy: retention.retention,
                                                             id: JobID(JournalConfig.retentionJobName), schedule: schedule))
            }
        } catch {
            await journal?.close()  // run will not be called: let go of the file and its lock
            throw error
        }
    }

    /// Runs the scheduler until shutdown; then every run's final record is written and the
    /// journal is closed (its WAL checkpointed into the file).
    public func run(_ context: LifecycleContext) async throws {
        do {
            try await scheduler.run(context)
        } catch {
            await journal?.close()
            throw error
        }
        await journal?.close()
    }

    /// The configured jobs now (after reloads), by name.
    public var configs: [String: JobConfig] { defined.withLock { $0 } }

    /// Brings the definitions to `jobs`: removes the jobs that are gone (their waiting runs are
    /// withdrawn, running ones finish), redefines changed ones in place (their requested runs,
    /// overlap slot and retries carry over), defines new ones. Returns the names (removed, added,
    /// changed) and the problems.
    func apply(_ jobs: [JobConfig]) async -> (removed: [String], added: [String], changed: [String], problems: [String]) {
        let current = configs
        let wanted = Dictionary(uniqueKeysWithValues: jobs.map { ($0.name, $0) })
        var result: (removed: [String], added: [String], changed: [String], problems: [String]) = ([], [], [], [])
        for name in current.keys.sorted() where wanted[name] == nil {
            do throws(JobSchedulerError) {
                try await scheduler.remove(JobID(name))
                defined.withLock { _ = $0.removeValue(forKey: name) }
                result.removed.append(name)
            } catch {
                result.problems.append("job \(name): \(error)")
            }
        }
        for job in jobs where current[job.name] != job {
            let replacing = current[job.name] != nil
            do {
                try await define(job, replacing: replacing)
                if replacing { result.changed.append(job.name) } else { result.added.append(job.name) }
            } catch {
                result.problems.append("job \(job.name): \(error)")
            }
        }
        return result
    }

    /// The command a run of `job` executes: its argv in steward's `environment` overridden by
    /// the job's `env`, in its `cwd`. `steward check` resolves the program from it as a run will.
    static func command(for job: JobConfig, environment: [String: String]) -> CommandJob {
        var environment = environment
        environment.merge(job.environment) { _, own in own }
        return CommandJob(job.command, environment: environment, workingDirectory: job.workingDirectory, stopSignal: job.stopSignal)
    }

    /// The work of a run of `job`: its command, or a ``Pipeline`` of its `steps` (each step's
    /// `env` over the job's, its `cwd` or the job's).
    static func work(for job: JobConfig, environment: [String: String]) throws -> any Job {
        guard !job.steps.isEmpty else { return command(for: job, environment: environment) }
        return try Pipeline(job.steps.map { step in
            Pipeline.Step(name: step.name, job: stepCommand(step, of: job, environment: environment))
        })
    }

    /// The command of one of `job`'s steps. `steward check` resolves the program from it.
    static func stepCommand(_ step: JobStepConfig, of job: JobConfig, environment: [String: String]) -> CommandJob {
        var environment = environment
        environment.merge(job.environment) { _, own in own }
        environment.merge(step.environment) { _, own in own }
        return CommandJob(step.command, environment: environment, workingDirectory: step.workingDirectory ?? job.workingDirectory,
                          stopSignal: job.stopSignal, timeout: step.timeout, stopTimeout: job.stopTimeout)
    }

    /// The callbacks running `job`'s `onSuccess` / `onFailure` hooks.
    static func hooks(for job: JobConfig, environment: [String: String], store: any RunStore, reaper: Reaper = .shared) -> RunCallbacks {
        var environment = environment
        environment.merge(job.environment) { _, own in own }
        func hook(_ name: String, _ command: [String]?) -> RunCallbacks.Callback? {
            guard let command else { return nil }
            let hook = JobHook(name: name, command: command, environment: environment, workingDirectory: job.workingDirectory,
                               timeout: job.hookTimeout, reaper: reaper, store: store)
            return { record in try await hook.run(for: record) }
        }
        return RunCallbacks(onSuccess: hook("onSuccess", job.onSuccess), onFailure: hook("onFailure", job.onFailure))
    }

    /// Defines `job`, or redefines it in place when it exists (a reload changed its entry: its
    /// requested runs carry over, see ``JobScheduler/redefine(_:)``).
    private func define(_ job: JobConfig, replacing: Bool = false) async throws {
        let schedule = try job.schedule(defaultZone: .current, anchor: .now)
        var definition = JobDefinition(
            id: JobID(job.name), description: job.description, isEnabled: job.enabled, schedule: schedule,
            zone: job.zone ?? Zone.current.identifier, overlap: job.overlap, misfire: job.misfire,
            misfireThreshold: job.misfireThreshold, timeout: job.timeout,
            retry: job.retries > 0 ? RetryPolicy(maximumAttempts: job.retries + 1, initialBackoff: job.retryBackoff) : .none,
            stopGracePeriod: job.stopTimeout, callbacks: Self.hooks(for: job, environment: environment, store: store),
            job: try Self.work(for: job, environment: environment))
        definition.tags = job.tags
        definition.revision = job.fingerprint
        if replacing { try await scheduler.redefine(definition) } else { try await scheduler.define(definition) }
        defined.withLock { $0[job.name] = job }
    }
}
