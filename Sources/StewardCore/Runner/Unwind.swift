/// The unwind: groups in descending priority (stop concurrently within a group, then wait for each
/// `run` to return, cancelling past the shutdown timeout), then `finalize` in reverse priority.
/// Errors never abort it; they are collected.
extension Engine {
    func unwind() async {
        let current = Self.grouped(runtimes)
        for (_, members) in current.reversed() {
            let stoppable = members.filter { $0.runnable != nil }
            guard !stoppable.isEmpty else { continue }
            _ = await forEachConcurrently(stoppable) { runtime in
                await self.stopRunnable(runtime)
                return true
            } onFailure: {}
        }
        for (_, members) in current.reversed() {
            let due = members.filter { $0.state.withLock { s in s.initialized || s.initRunning } }
            for runtime in members where !due.contains(where: { $0 === runtime }) {
                runtime.state.withLock { $0.finalizeTurnPassed = true }
            }
            guard !due.isEmpty else { continue }
            _ = await forEachConcurrently(due) { runtime in
                await self.finalizeInTurn(runtime)
                return true
            } onFailure: {}
        }
    }

    /// The component's turn to be finalized. An `initialize` the runner gave up on but that is
    /// still running has the cancellation grace, from when it was given up on, to return:
    /// finalized if it succeeded by then; abandoned if it still runs (and finalized as soon as it
    /// succeeds, see `lateInitialization`).
    func finalizeInTurn(_ runtime: ComponentRuntime) async {
        let (abandoned, givenUpAt) = runtime.state.withLock { ($0.initRunning, $0.initGivenUpAt) }
        if abandoned {
            _ = await boundedWait(for: runtime.initEnded, deadline: (givenUpAt ?? clock.now) + options.cancellationGrace,
                                  scheduler: scheduler, abortOn: [gaveUp])
        }
        let (initialized, running) = runtime.state.withLock { s in
            s.finalizeTurnPassed = true
            return (s.initialized, s.initRunning)
        }
        if initialized {
            await finalizeComponent(runtime)
        } else if running {
            runtime.logger.warning("init still running after cancellation: abandoned (finalized if it succeeds later)")
        }
    }

    func stopRunnable(_ runtime: ComponentRuntime) async {
        let (status, ended, backoff, attempt, alreadyStopping) = runtime.state.withLock { s in
            s.stopRequested = true
            if s.status == .running { s.status = .stopping }
            if s.status == .backingOff { s.status = .stopped }
            defer { if s.status == .stopping { s.stopCalled = true } }
            return (s.status, s.runEnded, s.backoffTask, s.attempt, s.stopCalled)
        }
        runtime.stopLatch.fire()
        backoff?.cancel()
        // Stopped twice (a reload's removal and the shutdown): `stop` ran once; wait for `run`.
        if alreadyStopping, let ended {
            _ = await boundedWait(for: ended, deadline: clock.deadline(after: runtime.options.shutdownTimeout),
                                  scheduler: scheduler, abortOn: [forced])
            return
        }
        // Running when asked to stop: it gets its stop() call even if the request itself (the
        // latch above) already made run return, so every stopped component has the same trace.
        guard status == .stopping, let ended else { return }

        // 1. stop(), bounded by the stop timeout; a forced shutdown skips the wait.
        emit(runtime, .stop, .started, attempt: attempt)
        let context = runtime.context(health: health, clock: clock, attempt: attempt)
        let runnable = runtime.runnable!
        let stopOutcome = await bounded(deadline: clock.deadline(after: runtime.options.stopTimeout), scheduler: scheduler,
                                        abortOn: [forced]) {
            try await runnable.stop(context)
        }
        switch stopOutcome {
        case .completed(.success):
            emit(runtime, .stop, .succeeded)
        case .completed(.failure(let error)):
            emit(runtime, .stop, .failed, error: LifecycleError(component: runtime.name, phase: .stop, kind: .failed, underlying: error))
        case .timedOut:
            emit(runtime, .stop, .timedOut,
                 error: LifecycleError(component: runtime.name, phase: .stop, kind: .timeout, limit: runtime.options.stopTimeout))
        case .aborted:
            // Forced: the stop was cut short, so the unwind is not clean.
            emit(runtime, .stop, .cancelled, error: LifecycleError(component: runtime.name, phase: .stop, kind: .cancelled))
        }

        // 2. Wait for run to return, bounded by the shutdown timeout (from now: stop is done).
        emit(runtime, .shutdown, .started)
        let waitOutcome = await boundedWait(for: ended, deadline: clock.deadline(after: runtime.options.shutdownTimeout),
                                            scheduler: scheduler, abortOn: [forced])
        if case .completed = waitOutcome {
            emit(runtime, .shutdown, .succeeded)
            return
        }

        // 3. Past the limit (or forced): cancel the task and give it a short grace to return.
        runtime.state.withLock { $0.runTask }?.cancel()
        let graceOutcome = await boundedWait(for: ended, deadline: clock.deadline(after: options.cancellationGrace),
                                             scheduler: scheduler, abortOn: [gaveUp])
        let returned: Bool = if case .completed = graceOutcome { true } else { false }
        let forcedNow: Bool = if case .aborted = waitOutcome { true } else { false }
        if forcedNow, returned {
            // Forced by the user: cancelled as asked, and it returned.
            emit(runtime, .shutdown, .cancelled)
            return
        }
        // After a forced shutdown no shutdown timeout ran: say so instead of naming one.
        let error = LifecycleError(component: runtime.name, phase: .shutdown, kind: .notShutDown,
                                   limit: forcedNow ? nil : runtime.options.shutdownTimeout,
                                   detail: returned ? "returned after cancellation"
                                       : forcedNow ? "abandoned after a forced shutdown" : "abandoned: still running after cancellation")
        emit(runtime, .shutdown, .timedOut, error: error)
    }

    func finalizeComponent(_ runtime: ComponentRuntime) async {
        let first = runtime.state.withLock { s in
            defer { s.finalizeCalled = true }
            return !s.finalizeCalled
        }
        guard first else { return }  // finalized (or finalizing) already: never twice
        emit(runtime, .finalize, .started)
        let context = runtime.context(health: health, clock: clock)
        let component = runtime.component
        let outcome = await bounded(deadline: clock.deadline(after: runtime.options.finalizeTimeout), scheduler: scheduler,
                                    abortOn: [gaveUp]) {
            try await component.finalize(context)
        }
        switch outcome {
        case .completed(.success):
            runtime.state.withLock { $0.status = .finalized }
            emit(runtime, .finalize, .succeeded)
        case .completed(.failure(let error)):
            runtime.state.withLock { $0.status = .finalized }
            emit(runtime, .finalize, .failed, error: LifecycleError(component: runtime.name, phase: .finalize, kind: .failed, underlying: error))
        case .timedOut:
            runtime.state.withLock { $0.status = .finalized }
            emit(runtime, .finalize, .timedOut,
                 error: LifecycleError(component: runtime.name, phase: .finalize, kind: .timeout, limit: runtime.options.finalizeTimeout))
        case .aborted:
            emit(runtime, .finalize, .cancelled)
        }
    }
}
