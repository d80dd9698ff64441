import StewardCore
import StewardJobs
import StewardProcesses
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A running steward: the lifecycle built from a config file, the process directory, and the
/// operations the control plane offers on them (status, reload, shutdown, per-process actions).
public final class Supervisor: Sendable {
    /// The runner supervising the processes.
    public let lifecycle: Lifecycle
    /// The configured processes, kept current across reloads.
    public let directory: ProcessDirectory
    /// The config file's path (re-read by ``reload()``).
    public let configPath: String
    /// When steward started.
    public let startedAt: Date
    private let reloads: ReloadSequence
    private let jobsComponent: Mutex<ConfiguredJobs?>

    /// Builds the supervisor for `config` (read from `path`); nothing starts until
    /// `lifecycle.run()`.
    /// - Throws: ``ConfigIssues`` for what can only fail now (output pipes, log files), or a
    ///   build error of the runner.
    public init(config: SupervisorConfig, path: String, environment: [String: String], logger: Logger,
                reaper: Reaper = .shared) throws {
        let plan = try SupervisorPlan(config: config, environment: environment, reaper: reaper, logger: logger)
        lifecycle = try plan.builder.build(options: LifecycleOptions(shutdownDeadline: config.shutdownTimeout, logger: logger))
        directory = plan.directory
        configPath = path
        startedAt = .now
        reloads = ReloadSequence(config: config, environment: environment, reaper: reaper, logger: logger)
        jobsComponent = Mutex(plan.jobs)
    }

    /// The job scheduler of the config's `jobs`; `nil` while the config has none.
    public var jobs: ConfiguredJobs? { jobsComponent.withLock { $0 } }

    /// The state of steward and every process now.
    public var status: SupervisorStatus { SupervisorStatus(lifecycle: lifecycle, directory: directory, startedAt: startedAt) }

    /// Re-reads the config file and applies the difference (one reload at a time). A config with
    /// errors changes nothing: the outcome lists its problems.
    public func reload() async -> Reload.Outcome {
        await reloads.reload(path: configPath, supervisor: self)
    }

    /// Records the jobs component a reload added.
    fileprivate func adopt(_ jobs: ConfiguredJobs) { jobsComponent.withLock { $0 = jobs } }

    /// The supervised process named `name`.
    /// - Throws: ``ProcessControlError`` naming it when no such process is configured or it is
    ///   a oneshot.
    public func process(_ name: String) throws(ProcessControlError) -> SupervisedProcess {
        guard let entry = directory[name] else { throw .unknown(name, known: directory.names) }
        guard let supervised = entry.supervised else { throw .oneshot(name) }
        return supervised
    }
}

/// Serializes reloads and remembers the config the last one applied.
private actor ReloadSequence {
    private var current: SupervisorConfig
    private let environment: [String: String]
    private let reaper: Reaper
    private let logger: Logger

    init(config: SupervisorConfig, environment: [String: String], reaper: Reaper, logger: Logger) {
        current = config
        self.environment = environment
        self.reaper = reaper
        self.logger = logger
    }

    func reload(path: String, supervisor: Supervisor) async -> Reload.Outcome {
        let lifecycle = supervisor.lifecycle
        guard !lifecycle.isShuttingDown else { return Reload.Outcome(problems: ["steward is shutting down"]) }
        let next: SupervisorConfig
        do throws(ConfigIssues) {
            next = try SupervisorConfigLoader.load(path: path)
        } catch {
            return Reload.Outcome(problems: ["\(path) has \(error.issues.count) problem(s); nothing changed"] + error.issues.map { "\($0)" })
        }
        var outcome = await Reload.apply(from: current, to: next, lifecycle: lifecycle, environment: environment,
                                         directory: supervisor.directory, reaper: reaper)
        await applyJobs(next, supervisor: supervisor, outcome: &outcome)
        current = next
        return outcome
    }

    /// Brings the scheduler's definitions to `next.jobs`, adding the scheduler when the config
    /// gains its first jobs.
    private func applyJobs(_ next: SupervisorConfig, supervisor: Supervisor, outcome: inout Reload.Outcome) async {
        guard let jobs = supervisor.jobs else {
            guard !next.jobs.isEmpty else { return }
            let jobs = ConfiguredJobs(jobs: next.jobs, environment: environment, logger: logger)
            do {
                try await supervisor.lifecycle.add(jobs, name: ConfiguredJobs.componentName, options: SupervisorPlan.jobsOptions(next))
                supervisor.adopt(jobs)
                outcome.added += next.jobs.map { "job \($0.name)" }
            } catch {
                outcome.problems.append("jobs: \(error)")
            }
            return
        }
        let applied = await jobs.apply(next.jobs)
        outcome.added += applied.added.map { "job \($0)" }
        outcome.removed += applied.removed.map { "job \($0)" }
        outcome.restarted += applied.changed.map { "job \($0)" }
        outcome.problems += applied.problems
    }
}
