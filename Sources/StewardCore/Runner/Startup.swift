/// Startup: config, then per priority group (ascending) inject all, init all concurrently, start
/// every `run`, wait for the group's health. Any shutdown request aborts the rest at once.
extension Engine {
    func startup() async {
        guard loadConfigs() else { requestShutdown(.failure); return }

        for (priority, members) in groups {
            if isShuttingDown { return }
            milestone(.groupStarting(priority))
            guard await injectGroup(members), !isShuttingDown else { return }
            guard await initializeGroup(members), !isShuttingDown else { return }
            guard await launchAndAwaitHealthy(members) else { return }
            milestone(.groupReady(priority))
        }
        guard !isShuttingDown else { return }
        if let key = options.readinessKey { try? health.update(key, healthy: true) }
        state.withLock { $0.startupComplete = true }
        milestone(.ready)
        checkAllRunnablesDone()
    }

    /// Loads every registered config type; all errors of all types are reported together.
    private func loadConfigs() -> Bool {
        var ok = true
        for problem in options.loggerProblems {
            let error = LifecycleError(component: "logger", phase: .config, kind: .failed, underlying: LoggerSettingError(problem))
            record(error)
            logger.error("\(error)", metadata: ["phase": "config"])
            ok = false
        }
        for config in configs {
            let errors = config.load(services)
            for error in errors {
                record(error)
                logger.error("\(error)", metadata: ["phase": "config"])
            }
            if !errors.isEmpty { ok = false }
        }
        return ok
    }

    /// Injects every member concurrently, each with its context (as every other phase). `inject`
    /// only resolves services, so it is called directly (no timeout, not abandoned): an `inject`
    /// must not block. A component without an `inject` of its own (a closure component) has only
    /// its overlay applied, here, without a task.
    func injectGroup(_ members: [ComponentRuntime], onFailure: (@Sendable () -> Void)? = nil) async -> Bool {
        await forEachConcurrently(members, inline: { !$0.phases.contains(.inject) }) { runtime in
            self.emit(runtime, .inject, .started)
            do {
                if let overlay = runtime.options.overlay { try overlay(runtime.services) }
                if runtime.phases.contains(.inject) {
                    try await runtime.component.inject(runtime.context(health: self.health, clock: self.clock))
                }
                runtime.state.withLock { $0.status = .injected }
                self.emit(runtime, .inject, .succeeded)
                return true
            } catch {
                runtime.state.withLock { $0.status = .failedInit }
                self.emit(runtime, .inject, .failed, error: LifecycleError(component: runtime.name, phase: .inject, kind: .failed, underlying: error))
                return false
            }
        } onFailure: {
            if let onFailure { onFailure() } else { self.requestShutdown(.failure) }
        }
    }

    ///
    /// When one fails, the group has failed, but every error of it is to be reported: its
    /// siblings get the cancellation grace to finish (a sibling failing meanwhile is reported
    /// too; one that succeeds is finalized), then those still running are cancelled. A shutdown
    /// request from outside (a signal) cancels them at once.
    func initializeGroup(_ members: [ComponentRuntime], onFailure: (@Sendable () -> Void)? = nil) async -> Bool {
        let groupFailed = Latch()
        let tally = Tally(members.count) {
            if let onFailure { return onFailure() }
            if let grace = self.clock.deadline(after: self.options.cancellationGrace) {
                _ = self.scheduler.schedule(at: grace) { groupFailed.fire() }
            }
        }
        for runtime in members {
            runtime.state.withLock { $0.status = .initializing }
            let deadline = clock.deadline(after: runtime.options.initTimeout)
            emit(runtime, .initialize, .started)
            let abortOn = [shutdown, groupFailed]
            guard runtime.phases.contains(.initialize) else {
                // Nothing to call: the outcome a no-op would have, without its task or timer.
                tally.finish(initialized(runtime, abortOn.contains(where: \.isFired) ? .aborted : .completed(.success(()))))
                continue
            }
            let context = runtime.context(health: health, clock: clock)
            Race.run(deadline: deadline, scheduler: scheduler, abortOn: abortOn,
                     began: { runtime.state.withLock { $0.initRunning = true } }) {
                try await runtime.component.initialize(context)
            } late: { result in
                self.lateInitialization(of: runtime, result)
            } then: { outcome in
                tally.finish(self.initialized(runtime, outcome))
            }
        }
        let ok = await tally.wait()
        if !ok, onFailure == nil { requestShutdown(.failure) }
        return ok
    }

    /// Records how one `initialize` ended; returns whether it succeeded.
    private func initialized(_ runtime: ComponentRuntime, _ outcome: Race.Outcome) -> Bool {
        switch outcome {
        case .completed(.success):
            runtime.state.withLock { $0.status = .initialized; $0.initialized = true; $0.initRunning = false }
            runtime.initEnded.fire()
            emit(runtime, .initialize, .succeeded)
            return true
        case .completed(.failure(let error)):
            runtime.state.withLock { $0.status = .failedInit; $0.initRunning = false }
            runtime.initEnded.fire()
            emit(runtime, .initialize, .failed,
                 error: LifecycleError(component: runtime.name, phase: .initialize, kind: .failed, underlying: error))
            return false
        case .timedOut:
            runtime.state.withLock { $0.status = .failedInit; $0.initGivenUpAt = self.clock.now }
            emit(runtime, .initialize, .timedOut,
                 error: LifecycleError(component: runtime.name, phase: .initialize, kind: .timeout, limit: runtime.options.initTimeout))
            return false
        case .aborted:
            runtime.state.withLock { $0.status = .failedInit; $0.initGivenUpAt = self.clock.now }
            emit(runtime, .initialize, .cancelled)
            return false
        }
    }

    /// An `initialize` the runner gave up on (timed out or cancelled) returned after all. A success
    /// holds resources, so it is finalized: in its turn of the unwind if that is still ahead,
    /// else at once (even after the report). A failure is never finalized.
    func lateInitialization(of runtime: ComponentRuntime, _ result: Result<Void, any Error>) {
        let finalizeNow = runtime.state.withLock { s -> Bool in
            s.initRunning = false
            guard case .success = result else { return false }
            s.initialized = true
            return s.finalizeTurnPassed
        }
        runtime.initEnded.fire()
        switch result {
        case .failure(let error) where error is CancellationError:
            runtime.logger.debug("init failed after it was abandoned (cancelled); it is not finalized")
        case .failure(let error):
            runtime.logger.warning("init failed after it was abandoned; it is not finalized", metadata: ["error": "\(error)"])
        case .success where finalizeNow:
            runtime.logger.warning("init completed after it was abandoned; finalizing it now")
            finalizeComponent(runtime)
        case .success:
            runtime.logger.warning("init completed after it was abandoned; it will be finalized in its turn")
        }
    }

    /// Starts every runnable of the group, then waits until each has all its health keys healthy,
    /// each bounded by its startup timeout measured from its first `run` start. Returns `false` if
    /// startup must stop. No task waits: the last `run` task to begin registers every member's
    /// wait (a registry waiter raced against its deadline and aborts), so each member's "ready
    /// started" follows every "run started" of its group, and the caller is resumed once.
    func launchAndAwaitHealthy(_ members: [ComponentRuntime], onFailure: (@Sendable () -> Void)? = nil) async -> Bool {
        let runnables = members.filter { $0.runnable != nil }
        let waiting = runnables.filter { !$0.options.healthKeys.isEmpty }
        guard !waiting.isEmpty else {
            let begun = Countdown(runnables.count)
            for runtime in runnables { launchRun(runtime, onBegin: begun.tick) }
            await begun.wait()
            return !isShuttingDown
        }
        let tally = Tally(waiting.count) {
            if let onFailure { onFailure() } else { self.requestShutdown(.failure) }
        }
        let begun = Countdown(runnables.count) {
            for runtime in waiting { self.awaitHealthy(runtime, tally) }
        }
        for runtime in runnables { launchRun(runtime, onBegin: begun.tick) }
        let ok = await tally.wait()
        return ok && !isShuttingDown
    }

    private func awaitHealthy(_ runtime: ComponentRuntime, _ tally: Tally) {
        let startedAt = runtime.state.withLock { $0.runStartedAt } ?? clock.now
        let deadline = runtime.options.startupTimeout.map { startedAt + $0 }
        emit(runtime, .ready, .started)
        Race.waitUntilHealthy(runtime.options.healthKeys, in: health, deadline: deadline, scheduler: scheduler,
                              abortOn: [shutdown, runtime.endedForGood]) { outcome in
            tally.finish(self.becameReady(runtime, outcome))
        }
    }

    /// Records how one member's health wait ended; returns whether the group may go on.
    private func becameReady(_ runtime: ComponentRuntime, _ outcome: Race.Outcome) -> Bool {
        switch outcome {
        case .completed:
            emit(runtime, .ready, .succeeded)
            return true
        case .aborted where runtime.endedForGood.isFired && !isShuttingDown:
            // It ended for good without taking the application down (non-critical, or an
            // allowed early exit): nothing left to wait for in this group.
            emit(runtime, .ready, .skipped)
            return true
        case .timedOut:
            emit(runtime, .ready, .timedOut,
                 error: LifecycleError(component: runtime.name, phase: .ready, kind: .notHealthy, limit: runtime.options.startupTimeout))
            return false
        case .aborted:
            emit(runtime, .ready, .cancelled)
            return false
        }
    }

    /// Runs `body` for every member, concurrently (a task-group child each) except for those
    /// `inline` selects, whose body never suspends and runs here, one after another, without a
    /// task; calls `onFailure` as soon as one returns `false` (so siblings are aborted without
    /// waiting for the slowest), and returns whether all succeeded.
    func forEachConcurrently(_ members: [ComponentRuntime], inline: (ComponentRuntime) -> Bool = { _ in false },
                             _ body: @escaping @Sendable (ComponentRuntime) async -> Bool,
                             onFailure: @escaping @Sendable () -> Void) async -> Bool {
        var allSucceeded = true
        var concurrent: [ComponentRuntime] = []
        for runtime in members {
            guard inline(runtime) else { concurrent.append(runtime); continue }
            if await !body(runtime) {
                if allSucceeded { onFailure() }
                allSucceeded = false
            }
        }
        guard !concurrent.isEmpty else { return allSucceeded }
        return await withTaskGroup(of: Bool.self) { group in
            for runtime in concurrent {
                group.addTask { await body(runtime) }
            }
            for await succeeded in group where !succeeded {
                if allSucceeded { onFailure() }
                allSucceeded = false
            }
            return allSucceeded
        }
    }
}

/// A `STEWARD_LOG_LEVEL` or `STEWARD_LOG_FORMAT` value that is not valid.
struct LoggerSettingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
