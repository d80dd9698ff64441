/// `run` supervision: launching, reacting to a `run` that ends (failure, unexpected return, early
/// exit), restarts with backoff and the intensity limit, and completion when nothing is left.
extension Engine {
    /// Waits for the shutdown request (signal, API, failure, or every runnable finished).
    func superviseUntilShutdown() async {
        await shutdown.wait()
    }

    /// Starts (or restarts) `run`. A no-op if the component was already asked to stop (then
    /// `onBegin` is still called, so nobody waits for a run that will never begin).
    /// `onBegin` runs inside the new task, after the `run started` event, just before `run`.
    func launchRun(_ runtime: ComponentRuntime, onBegin: (@Sendable () -> Void)? = nil) {
        guard let runnable = runtime.runnable else { onBegin?(); return }
        let now = clock.now
        let shuttingDown = isShuttingDown
        let launch: (attempt: Int, ended: Latch, first: Bool)? = runtime.state.withLock { s in
            // A restart never begins once shutdown was requested, even before this group's stop.
            guard !s.stopRequested, !(shuttingDown && s.attempt > 0) else {
                if s.status == .backingOff { s.status = .stopped }
                return nil
            }
            s.attempt += 1
            s.status = .running
            s.runStartedAt = now
            s.backoffTask = nil
            let ended = Latch()
            s.runEnded = ended
            return (s.attempt, ended, s.attempt == 1)
        }
        guard let launch else { onBegin?(); return }
        if launch.first {
            runtime.state.withLock { $0.countedActive = true }
            state.withLock { $0.activeRunnables += 1 }
        }
        let context = runtime.context(health: health, clock: clock, attempt: launch.attempt)
        let task = Task {
            self.emit(runtime, .run, .started, attempt: launch.attempt)
            onBegin?()
            let result: Result<Void, any Error>
            do {
                try await runnable.run(context)
                result = .success(())
            } catch {
                result = .failure(error)
            }
            self.runEnded(runtime, attempt: launch.attempt, result: result)
            launch.ended.fire()
        }
        runtime.state.withLock { s in if s.attempt == launch.attempt { s.runTask = task } }
        if forced.isFired { task.cancel() }
    }

    /// Decides what a finished `run` means.
    private func runEnded(_ runtime: ComponentRuntime, attempt: Int, result: Result<Void, any Error>) {
        let now = clock.now
        let stopping = runtime.state.withLock { s -> Bool in
            if s.stopRequested { s.status = .stopped }
            return s.stopRequested
        }
        if stopping || isShuttingDown {
            // Asked to stop, or the application is already unwinding: a return is expected; an
            // error (other than the cancellation we caused) is still reported.
            if case .failure(let error) = result, !(error is CancellationError) {
                runtime.state.withLock { s in if !s.stopRequested { s.status = .failed } }
                emit(runtime, .run, .failed, error: LifecycleError(component: runtime.name, phase: .run, kind: .failed, underlying: error),
                     attempt: attempt)
            } else {
                runtime.state.withLock { s in if !s.stopRequested { s.status = .exited } }
                emit(runtime, .run, .succeeded, attempt: attempt)
            }
            return
        }

        let failure: LifecycleError?
        switch result {
        case .failure(let error):
            failure = LifecycleError(component: runtime.name, phase: .run, kind: .failed, underlying: error)
        case .success:
            failure = runtime.options.allowsEarlyExit
                ? nil : LifecycleError(component: runtime.name, phase: .run, kind: .unexpectedReturn)
        }
        let policy = runtime.options.restart
        let wantsRestart = policy.mode == .always || (policy.mode == .onFailure && failure != nil)

        if wantsRestart {
            let restartNumber: Int? = runtime.state.withLock { s in
                if let started = s.runStartedAt, now - started >= policy.resetAfter { s.consecutiveRestarts = 0 }
                s.restartTimes.removeAll { now - $0 >= policy.window }
                guard s.restartTimes.count < policy.maxRestarts else { return nil }
                s.restartTimes.append(now)
                s.consecutiveRestarts += 1
                s.restarts += 1
                s.status = .backingOff
                if let failure { s.lastError = failure.description }
                return s.consecutiveRestarts
            }
            if let restartNumber {
                let delay = policy.delay(forRestart: restartNumber, random: options.random())
                eventOrder.withLock { _ in
                    runtime.logger.warning("run ended; restarting", metadata: [
                        "attempt": "\(attempt)", "delay": delay.compactDescription, "reason": failure?.description ?? "returned",
                    ])
                    bus.emit(LifecycleEvent(component: runtime.name, phase: .run, outcome: .restarting, time: now, error: failure,
                                            attempt: attempt, delay: delay))
                }
                scheduleRestart(runtime, at: now + delay)
                return
            }
            let limit = LifecycleError(component: runtime.name, phase: .run, kind: .restartLimit,
                                       underlying: failure?.underlying,
                                       detail: (failure?.kind == .unexpectedReturn ? "unexpected return; " : "")
                                           + "more than \(policy.maxRestarts) restarts within \(policy.window.compactDescription)")
            failForGood(runtime, limit, attempt: attempt)
            return
        }

        if let failure {
            failForGood(runtime, failure, attempt: attempt)
        } else {
            runtime.state.withLock { $0.status = .exited }
            emit(runtime, .run, .exited, attempt: attempt)
            runtime.endedForGood.fire()
            finishRunnable(runtime)
        }
    }

    private func failForGood(_ runtime: ComponentRuntime, _ error: LifecycleError, attempt: Int) {
        runtime.state.withLock { $0.status = .failed }
        emit(runtime, .run, .failed, error: error, attempt: attempt)
        runtime.endedForGood.fire()
        if runtime.options.isCritical {
            requestShutdown(.failure)
        } else {
            finishRunnable(runtime)
        }
    }

    private func scheduleRestart(_ runtime: ComponentRuntime, at instant: Duration) {
        let task = Task {
            do { try await self.clock.sleep(until: instant) } catch {
                runtime.state.withLock { s in if s.status == .backingOff { s.status = .stopped } }
                return
            }
            self.launchRun(runtime)
        }
        let stillWanted = runtime.state.withLock { s -> Bool in
            guard !s.stopRequested, s.status == .backingOff else { return false }
            s.backoffTask = task
            return true
        }
        if !stillWanted || forced.isFired { task.cancel() }
    }

    /// One runnable ended for good (or was removed) without taking the application down.
    func finishRunnable(_ runtime: ComponentRuntime) {
        let counted = runtime.state.withLock { s in defer { s.countedActive = false }; return s.countedActive }
        if counted { state.withLock { $0.activeRunnables -= 1 } }
        checkAllRunnablesDone()
    }

    /// After startup, when no runnable is left running (none registered, or all exited early or
    /// failed non-critically), the application is done: shut down with cause `.completed`.
    func checkAllRunnablesDone() {
        let done = state.withLock { $0.startupComplete && $0.activeRunnables == 0 && $0.reconfigurations == 0 }
        if done { requestShutdown(.completed) }
    }
}
