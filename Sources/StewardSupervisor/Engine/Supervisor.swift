import StewardCore
import StewardJobs
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
    let reloads: ReloadSequence
    private let jobsComponent: Mutex<ConfiguredJobs?>
    /// What the last reload could not start (name → why), for ``status``.
    let notStarted = Mutex<[String: String]>([:])
    /// The audit of operator actions while steward has no jobs, hence no journal (in memory).
    let memoryAudit = InMemoryAuditLog()

    /// Where operator actions are recorded: the jobs' journal, or memory while there are none.
    public var auditLog: any AuditLog { jobs?.auditLog ?? memoryAudit }
    /// Steward's logger (the one it was built with).
    public let logger: Logger

    /// Builds the supervisor for `config` (read from `path`); nothing starts until
    /// `lifecycle.run()`.
    /// - Throws: ``ConfigIssues`` for what can only fail now (output pipes, log files), or a
    ///   build error of the runner.
    /// `signals` are the ones its lifecycle catches itself (``signals`` by default); a program that
    /// catches them for its whole life passes `SignalPolicy/disabled` and hands them to
    /// `lifecycle.handleSignal`.
    public init(config: SupervisorConfig, path: String, environment: [String: String], logger: Logger,
                reaper: Reaper = .shared, signals: SignalPolicy = Supervisor.signals) throws {
        let plan = try SupervisorPlan(config: config, environment: environment, reaper: reaper, logger: logger)
        lifecycle = try plan.builder.build(options: LifecycleOptions(signals: signals, shutdownDeadline: config.shutdownTimeout, logger: logger))
        directory = plan.directory
        configPath = path
        startedAt = .now
        reloads = ReloadSequence(config: config, environment: environment, reaper: reaper, logger: logger)
        jobsComponent = Mutex(plan.jobs)
        self.logger = logger
    }

    /// The signals that shut steward down: SIGTERM, SIGINT and SIGQUIT, escalating (a second one
    /// forces the shutdown, a third exits at once).
    public static let signals = SignalPolicy(shutdownSignals: [SIGTERM, SIGINT, SIGQUIT])

    /// The job scheduler of the config's `jobs`; `nil` while the config has none.
    public var jobs: ConfiguredJobs? { jobsComponent.withLock { $0 } }

    /// The state of steward and every process now.
    public var status: SupervisorStatus {
        SupervisorStatus(lifecycle: lifecycle, directory: directory, startedAt: startedAt, notStarted: notStarted.withLock { $0 })
    }

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

/// Serializes reloads and operator restarts that replace a component — first in, first out, each
/// one finished before the next reads anything (an actor alone would let a second reload in while
/// the first awaits) — and compares each new config with what actually runs: the process
/// directory, not the config the last reload read. So a change is never applied twice, and an
/// addition that failed (it is not in the directory) is tried again by the next reload.
actor ReloadSequence {
    private var current: SupervisorConfig
    private let environment: [String: String]
    private let reaper: Reaper
    private let logger: Logger
    private let gate = SerialGate()

    init(config: SupervisorConfig, environment: [String: String], reaper: Reaper, logger: Logger) {
        current = config
        self.environment = environment
        self.reaper = reaper
        self.logger = logger
    }

    func reload(path: String, supervisor: Supervisor) async -> Reload.Outcome {
        await gate.run { await self.reloadNow(path: path, supervisor: supervisor) }
    }

    private func reloadNow(path: String, supervisor: Supervisor) async -> Reload.Outcome {
        let lifecycle = supervisor.lifecycle
        guard !lifecycle.isShuttingDown else { return Reload.Outcome(problems: ["steward is shutting down"]) }
        let next: SupervisorConfig
        do throws(ConfigIssues) {
            next = try SupervisorConfigLoader.load(path: path)
        } catch {
            return Reload.Outcome(problems: ["\(path) has \(error.count) problem(s); nothing changed"] + error.issues.map { "\($0)" }
                                  + (error.omitted > 0 ? [error.omittedNote] : []))
        }
        var actual = current
        actual.processes = supervisor.directory.all.map(\.config)
        let running = actual
        let (environment, reaper, logger) = (self.environment, self.reaper, self.logger)
        let outcome = await lifecycle.reconfigure {
            var outcome = await Reload.apply(from: running, to: next, lifecycle: lifecycle, environment: environment,
                                             directory: supervisor.directory, reaper: reaper)
            await Self.applyJobs(next, supervisor: supervisor, environment: environment, logger: logger, outcome: &outcome)
            return outcome
        }
        current = next
        // Visible in `status` until a reload starts them: configured, not running.
        let missing = next.processes.map(\.name).filter { supervisor.directory[$0] == nil }
        supervisor.notStarted.withLock { notStarted in
            notStarted = Dictionary(uniqueKeysWithValues: missing.map { name in
                (name, outcome.problems.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) } ?? "not started")
            })
        }
        return outcome
    }

    /// Replaces the component of process `name` with a fresh one from its config, in one
    /// batch (steward does not end between the removal and the addition). Returns the problem,
    /// if any.
    func replace(_ name: String, supervisor: Supervisor) async -> String? {
        await gate.run { await self.replaceNow(name, supervisor: supervisor) }
    }

    private func replaceNow(_ name: String, supervisor: Supervisor) async -> String? {
        guard let config = supervisor.directory[name]?.config else { return "not configured" }
        let (environment, reaper) = (self.environment, self.reaper)
        let lifecycle = supervisor.lifecycle
        return await lifecycle.reconfigure { () async -> String? in
            do {
                try await lifecycle.remove(name)
                supervisor.directory.remove(name)
                let entry = try SupervisorPlan.entry(for: config, environment: environment, reaper: reaper)
                supervisor.directory.set(ProcessDirectory.Entry(config: config, output: entry.output, supervised: entry.supervised))
                try await lifecycle.add(entry.component, name: name, options: entry.options)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// Brings the scheduler's definitions to `next.jobs`, adding the scheduler when the config
    /// gains its first jobs.
    private static func applyJobs(_ next: SupervisorConfig, supervisor: Supervisor, environment: [String: String], logger: Logger,
                                  outcome: inout Reload.Outcome) async {
        guard let jobs = supervisor.jobs else {
            guard !next.jobs.isEmpty else { return }
            let jobs: ConfiguredJobs
            do throws(ConfigIssues) {
                jobs = try ConfiguredJobs.journaled(next, environment: environment, logger: logger)
            } catch {
                outcome.problems.append("jobs: \(error)")
                return
            }
            do {
                try await supervisor.lifecycle.add(jobs, name: ConfiguredJobs.componentName, options: SupervisorPlan.jobsOptions(next))
                supervisor.adopt(jobs)
                outcome.added += next.jobs.map { "job \($0.name)" }
            } catch {
                await jobs.journal?.close()  // let go of the file (and its lock) for the next attempt
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
