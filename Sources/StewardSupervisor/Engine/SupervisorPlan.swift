import StewardCore
import StewardProcesses

/// Turns a ``SupervisorConfig`` into lifecycle registrations: one engine, where each configured
/// process is a component of the core runner.
///
/// | config | runner |
/// |---|---|
/// | `priority` | component priority (groups start in ascending order) |
/// | `oneshot: true` | a `OneShotProcess` initializer: must exit 0 before the next group |
/// | `ready` | the process's health key, which its group waits for |
/// | `health` | liveness: failures stop the process, its restart policy applies |
/// | `restart` | the component's `RestartPolicy` |
/// | `startupTimeout` | the runner's startup (health) timeout: at startup and when a reload adds the process |
/// | `stopSignal` / `stopTimeout` | the signal `stop` sends / the runner's shutdown timeout, then SIGKILL |
/// | `critical` | whether failing for good shuts steward down |
/// | `env`, `envFile`, `cwd`, `user`, `group` | the child's spawn request (inherited env < envFile < env) |
/// | `log` | its output pump: `name | ` prefix, rotated file, ring buffer |
public struct SupervisorPlan: Sendable {
    /// The supervised (non-oneshot) processes by name, for status and logs.
    public let processes: [String: SupervisedProcess]
    /// Every process's output pump (oneshots included), for `steward logs`.
    public let outputs: [String: OutputPump]
    /// The registrations, ready to build.
    public let builder: LifecycleBuilder
    /// Every configured process, for the control plane (kept current by ``Reload``).
    public let directory: ProcessDirectory
    /// The configured jobs' scheduler component; `nil` when the config has no jobs.
    public let jobs: ConfiguredJobs?

    /// One configured process as a runner component.
    public struct Entry: Sendable {
        /// The component: a ``SupervisedProcess``, or a `OneShotProcess` for `oneshot: true`.
        public let component: any Initializer
        /// Its registration options.
        public let options: ComponentOptions
        /// Its output pump.
        public let output: OutputPump
        /// The supervised process, unless it is a oneshot.
        public let supervised: SupervisedProcess?
    }

    /// Builds the plan.
    /// - Parameter environment: steward's environment, inherited by every child.
    /// - Throws: ``ConfigIssues`` for what can only fail now (an output pipe or log file).
    /// - Parameter logger: the jobs scheduler's logger.
    public init(config: SupervisorConfig, environment: [String: String], reaper: Reaper = .shared,
                logger: Logger = Logger(label: "steward")) throws(ConfigIssues) {
        var builder = LifecycleBuilder()
        var processes: [String: SupervisedProcess] = [:]
        var outputs: [String: OutputPump] = [:]
        var issues: [ConfigIssue] = []
        let directory = ProcessDirectory()
        for process in config.processes {
            do {
                let entry = try Self.entry(for: process, environment: environment, reaper: reaper)
                directory.set(ProcessDirectory.Entry(config: process, output: entry.output, supervised: entry.supervised))
                outputs[process.name] = entry.output
                if let supervised = entry.supervised { processes[process.name] = supervised }
                builder.add(entry.component, name: process.name, options: entry.options)
            } catch {
                issues += error.issues
            }
        }
        guard issues.isEmpty else { throw ConfigIssues(issues) }
        if config.jobs.isEmpty {
            jobs = nil
        } else {
            let jobs = try ConfiguredJobs.journaled(config, environment: environment, logger: logger)
            builder.add(jobs, name: ConfiguredJobs.componentName, options: Self.jobsOptions(config))
            self.jobs = jobs
        }
        self.processes = processes
        self.outputs = outputs
        self.builder = builder
        self.directory = directory
    }

    /// The component and options for one configured process (used at startup and on reload).
    /// - Throws: ``ConfigIssues`` if its output pipe or log file cannot be opened.
    public static func entry(for process: ProcessConfig, environment: [String: String], reaper: Reaper = .shared) throws(ConfigIssues) -> Entry {
        var spec = spec(for: process, environment: environment)
        let childEnvironment = spec.environment
        let output: OutputPump
        do {
            let file = try process.log.file.map { path throws(ProbeSetupError) in
                try RotatingFile(path: path, maxSize: process.log.maxSize, keep: process.log.keep)
            }
            output = try OutputPump(name: process.name, prefix: process.log.prefix, file: file)
        } catch {
            throw ConfigIssues([ConfigIssue(path: "processes.\(process.name).log", message: "\(error)")])
        }
        if process.oneshot {
            spec.descriptors[1] = output.childDescriptor
            spec.descriptors[2] = output.childDescriptor
            return Entry(component: OneShotProcess(spec, reaper: reaper),
                         options: ComponentOptions(priority: process.priority, metadata: ["process": process.name]),
                         output: output, supervised: nil)
        }
        let supervised = SupervisedProcess(
            name: process.name, spec: spec,
            readiness: process.ready.map { readiness($0, environment: childEnvironment) },
            liveness: process.health.flatMap { liveness($0, environment: childEnvironment) },
            output: output, stopTimeout: process.stopTimeout, reaper: reaper)
        let options = ComponentOptions(
            priority: process.priority, metadata: ["process": process.name],
            healthKeys: supervised.healthKey.map { [$0] } ?? [],
            startupTimeout: supervised.healthKey == nil ? nil : process.startupTimeout,
            shutdownTimeout: process.stopTimeout, restart: process.restart.policy, isCritical: process.critical)
        return Entry(component: supervised, options: options, output: output, supervised: supervised)
    }

    /// What the child of `process` is spawned with: steward's `environment` overridden by the
    /// `envFile` (read now) and then by `env`; its `cwd`, its `user` and `group` as ids, its stop
    /// signal. Starts and opens nothing else, so `steward check` resolves the program from it just
    /// as the first start will.
    static func spec(for process: ProcessConfig, environment: [String: String]) -> ChildProcessSpec {
        var childEnvironment = environment
        if let envFile = process.envFile, let file = try? DotEnvFile.load(path: envFile) {
            childEnvironment.merge(file.values) { _, fromFile in fromFile }
        }
        childEnvironment.merge(process.environment) { _, own in own }
        return ChildProcessSpec(command: process.command, environment: childEnvironment,
                                workingDirectory: process.workingDirectory,
                                credentials: CredentialResolution.resolve(user: process.user, group: process.group),
                                stopSignal: process.stopSignal)
    }

    /// The jobs component's registration: a group after every process.
    static func jobsOptions(_ config: SupervisorConfig) -> ComponentOptions {
        ComponentOptions(priority: (config.processes.map(\.priority).max() ?? 0) + 1,
                         shutdownTimeout: (config.jobs.map(\.stopTimeout).max() ?? .zero) + .seconds(5))
    }

    static func check(_ check: Probe.Check, environment: [String: String]) -> ProbeCheck? {
        switch check {
        case .tcp(let host, let port): return .tcp(host: host, port: port)
        case .http(let url):
            guard let parsed = HTTPProbeURL(url) else { return nil }
            return .http(host: parsed.host, port: parsed.port, path: parsed.path)
        case .exec(let command): return .exec(command, environment: environment)
        case .delay(let duration): return .delay(duration)
        case .notifySystemd, .notifyFD: return nil
        }
    }

    static func readiness(_ probe: Probe, environment: [String: String]) -> ReadinessSpec {
        let source: ReadinessSpec.Source = switch probe.check {
        case .notifySystemd: .systemd
        case .notifyFD(let fd): .descriptor(fd)
        default: check(probe.check, environment: environment).map { .check($0) } ?? .check(.delay(.zero))
        }
        return ReadinessSpec(source: source, interval: probe.interval, timeout: probe.timeout,
                             startPeriod: probe.startPeriod, retries: probe.retries)
    }

    static func liveness(_ probe: Probe, environment: [String: String]) -> LivenessSpec? {
        check(probe.check, environment: environment).map {
            LivenessSpec(check: $0, interval: probe.interval, timeout: probe.timeout, startPeriod: probe.startPeriod,
                         failureThreshold: probe.failureThreshold)
        }
    }
}
