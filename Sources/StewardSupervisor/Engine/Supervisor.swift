import StewardCore
import StewardProcesses
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

    /// Builds the supervisor for `config` (read from `path`); nothing starts until
    /// `lifecycle.run()`.
    /// - Throws: ``ConfigIssues`` for what can only fail now (output pipes, log files), or a
    ///   build error of the runner.
    public init(config: SupervisorConfig, path: String, environment: [String: String], logger: Logger,
                reaper: Reaper = .shared) throws {
        let plan = try SupervisorPlan(config: config, environment: environment, reaper: reaper)
        lifecycle = try plan.builder.build(options: LifecycleOptions(shutdownDeadline: config.shutdownTimeout, logger: logger))
        directory = plan.directory
        configPath = path
        startedAt = .now
        reloads = ReloadSequence(config: config, environment: environment, reaper: reaper)
    }

    /// The state of steward and every process now.
    public var status: SupervisorStatus { SupervisorStatus(lifecycle: lifecycle, directory: directory, startedAt: startedAt) }

    /// Re-reads the config file and applies the difference (one reload at a time). A config with
    /// errors changes nothing: the outcome lists its problems.
    public func reload() async -> Reload.Outcome {
        await reloads.reload(path: configPath, lifecycle: lifecycle, directory: directory)
    }

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

    init(config: SupervisorConfig, environment: [String: String], reaper: Reaper) {
        current = config
        self.environment = environment
        self.reaper = reaper
    }

    func reload(path: String, lifecycle: Lifecycle, directory: ProcessDirectory) async -> Reload.Outcome {
        guard !lifecycle.isShuttingDown else { return Reload.Outcome(problems: ["steward is shutting down"]) }
        let next: SupervisorConfig
        do throws(ConfigIssues) {
            next = try SupervisorConfigLoader.load(path: path)
        } catch {
            return Reload.Outcome(problems: ["\(path) has \(error.issues.count) problem(s); nothing changed"] + error.issues.map { "\($0)" })
        }
        let outcome = await Reload.apply(from: current, to: next, lifecycle: lifecycle, environment: environment,
                                         directory: directory, reaper: reaper)
        current = next
        return outcome
    }
}
