import StewardCore
import StewardProcesses
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child OS process as the supervisor runs it: a `ChildProcess` plus a readiness source that
/// turns its health key healthy, a liveness probe that fails its `run` when it stops answering,
/// and an output pump. Register it with `healthKeys: [process.healthKey]` when it has readiness,
/// so its priority group waits for it.
public final class SupervisedProcess: Runnable {
    /// The process's name (also its health key and output prefix).
    public let name: String
    /// What to run.
    public let spec: ChildProcessSpec
    /// How readiness is established; `nil` = ready once started.
    public let readiness: ReadinessSpec?
    /// Liveness checking; `nil` = none.
    public let liveness: LivenessSpec?
    /// Where its output goes; `nil` = inherit steward's stdout/stderr.
    public let output: OutputPump?
    /// How long an operator's stop or restart waits after the stop signal before SIGKILL (the
    /// config's `stopTimeout`).
    public let stopTimeout: Duration
    let reaper: Reaper
    let current = ChildSlot()
    let record = Mutex(ProcessRecord())
    let resolved = ResolvedExecutable()

    /// Creates the component; nothing starts until the runner calls `run`.
    public init(name: String, spec: ChildProcessSpec, readiness: ReadinessSpec? = nil, liveness: LivenessSpec? = nil,
                output: OutputPump? = nil, stopTimeout: Duration = .seconds(10), reaper: Reaper = .shared) {
        self.name = name
        self.spec = spec
        self.readiness = readiness
        self.liveness = liveness
        self.output = output
        self.stopTimeout = stopTimeout
        self.reaper = reaper
    }

    /// How this process's child is stopped: its stop signal, `stopTimeout`, then SIGKILL.
    public var termination: Termination {
        Termination(stopSignal: spec.stopSignal, stopTimeout: stopTimeout, grouping: spec.grouping)
    }

    /// The health key the runner should register and wait for, when readiness is configured.
    public var healthKey: HealthKey? { readiness == nil ? nil : HealthKey(name) }
    /// The running child's pid (`nil` from the moment the reaper collected it).
    public var pid: Int32? { current.handle.flatMap { $0.exitStatus == nil ? $0.pid : nil } }
    /// How many times the child was started.
    public var starts: Int { record.withLock { $0.starts } }
    /// How the child last ended.
    public var lastExit: ExitStatus? { record.withLock { $0.lastExit } }
    /// What the process's own record says now: pid, start time, last exit, probe failures, and
    /// whether an operator stopped it.
    public var snapshot: ProcessSnapshot {
        let pid = self.pid
        return record.withLock { $0.snapshot(pid: pid) }
    }

    public func initialize(_ context: LifecycleContext) async throws {
        resolved.keep(try spec.resolveExecutable())
    }

    /// Runs the child until it exits for a reason of its own (returning or throwing as
    /// `ChildProcess/judge(_:stopSignal:context:)` decides), or until the runner asks to stop.
    /// An exit an operator caused (``stopByOperator()``, ``restartByOperator()``) is not an
    /// outcome: the loop holds or starts the child again.
    public func run(_ context: LifecycleContext) async throws {
        while !context.isStopRequested {  // asked to stop before anything started: nothing to do
            if let released = record.withLock({ $0.held }) {
                if let key = healthKey { try? context.setHealth(key, healthy: false, reason: "stopped by operator") }
                await Self.firstOf(released, context)
                continue
            }
            let exit = try await runChild(context)
            if record.withLock({ $0.takeOperatorExit() }) { continue }
            let probeFailure = record.withLock { $0.probeFailure }
            if let probeFailure, !context.isStopRequested, !Task.isCancelled { throw probeFailure }
            try ChildProcess.judge(exit, stopSignal: spec.stopSignal, context: context)
            return
        }
    }

    /// One start of the child: spawn, probes, exit.
    private func runChild(_ context: LifecycleContext) async throws -> ChildProcessExit {
        var spec = self.spec
        let channel: ReadinessNotification? = switch readiness?.source {
        case .systemd?: try ReadinessNotification.systemd(name: name)
        case .descriptor(let fd)?: try ReadinessNotification.descriptor(fd)
        default: nil
        }
        if let channel {
            spec.environment.merge(channel.environment) { _, notify in notify }
            spec.descriptors.merge(channel.descriptors) { _, notify in notify }
        }
        if let output {
            spec.descriptors[1] = output.childDescriptor
            spec.descriptors[2] = output.childDescriptor
        }
        let probes = Mutex<Task<Void, Never>?>(nil)
        let exit = try await ChildProcess.runToExit(spec, reaper: reaper, current: current, context: context,
                                                    executable: resolved.take()) { handle in
            // An operator's stop that came while no child existed applies to this one.
            let heldAlready = record.withLock { r -> Bool in
                r.started()
                guard r.held != nil, !r.operatorExitPending else { return false }
                r.operatorExitPending = true
                return true
            }
            if heldAlready { Task { await self.termination.terminate(handle) } }
            channel?.childStarted(pid: handle.pid, uid: spec.credentials?.uid ?? getuid())
            let task = Task { await self.watch(handle, channel: channel, context: context) }
            probes.withLock { $0 = task }
        }
        output?.catchUp()
        let task = probes.withLock { $0 }
        task?.cancel()
        await task?.value
        if let key = healthKey { try? context.setHealth(key, healthy: false, reason: "process \(exit.status)") }
        record.withLock { $0.exited(exit.status) }
        return exit
    }

    public func stop(_ context: LifecycleContext) async throws {
        guard let handle = current.handle else { return }
        ChildProcess.signal(handle, spec.stopSignal, grouping: spec.grouping)
    }

    /// Returns when `latch` fires or the runner asks the component to stop.
    private static func firstOf(_ latch: Latch, _ context: LifecycleContext) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await latch.wait() }
            group.addTask { await context.untilStopRequested() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Readiness until it passes, then liveness until the child exits or a probe gives up (which
    /// stops the child: its `run` then fails with the ``ProbeFailure``).
    private func watch(_ handle: ChildProcessHandle, channel: ReadinessNotification?, context: LifecycleContext) async {
        if let readiness, let key = healthKey {
            let failure = await establishReadiness(readiness, channel: channel, context: context)
            guard !Task.isCancelled else { return }
            if let failure {
                await giveUp(handle, failure, context: context)
                return
            }
            try? context.setHealth(key, healthy: true)
            record.withLock { $0.readyAt = .now }
            context.logger.info("ready")
        }
        guard let liveness else { return }
        if liveness.startPeriod > .zero, !(await context.sleep(for: liveness.startPeriod)) { return }
        var failures = 0
        while await context.sleep(for: liveness.interval) {
            let result = await liveness.check.perform(timeout: liveness.timeout, reaper: reaper)
            if Task.isCancelled { return }
            if result.passed {
                failures = 0
                continue
            }
            failures += 1
            record.withLock { $0.probeFailures += 1 }
            context.logger.warning("liveness check failed", metadata: ["failures": "\(failures)", "detail": result.detail])
            if failures >= liveness.failureThreshold {
                await giveUp(handle, ProbeFailure(probe: "liveness", failures: failures, detail: result.detail), context: context)
                return
            }
        }
    }

    /// `nil` once ready; the failure when retries ran out.
    private func establishReadiness(_ readiness: ReadinessSpec, channel: ReadinessNotification?, context: LifecycleContext) async -> ProbeFailure? {
        if let channel {
            if await channel.waitUntilReady() { return nil }
            return Task.isCancelled ? nil : ProbeFailure(probe: "readiness", failures: 1, detail: "the process closed its notification channel")
        }
        guard case .check(let check) = readiness.source else { return nil }
        let started = ContinuousClock.now
        var failures = 0
        while !Task.isCancelled {
            let result = await check.perform(timeout: readiness.timeout, reaper: reaper)
            if result.passed { return nil }
            if ContinuousClock.now - started >= readiness.startPeriod {
                failures += 1
                record.withLock { $0.probeFailures += 1 }
            }
            if let retries = readiness.retries, failures >= retries {
                return ProbeFailure(probe: "readiness", failures: failures, detail: result.detail)
            }
            guard await context.sleep(for: readiness.interval) else { return nil }
        }
        return nil
    }

    /// Stops the child for good (stop signal, SIGKILL after `stopTimeout`: a hung child is
    /// exactly what liveness exists for); its `run` then fails with `failure`.
    private func giveUp(_ handle: ChildProcessHandle, _ failure: ProbeFailure, context: LifecycleContext) async {
        record.withLock { $0.probeFailure = failure }
        context.logger.error("\(failure); stopping the process", metadata: ["stop_timeout": stopTimeout.compactDescription])
        await termination.terminate(handle)
    }
}
