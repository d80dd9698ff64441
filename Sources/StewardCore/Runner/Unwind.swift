/// The unwind: groups in descending priority (stop concurrently within a group, then wait for each
/// `run` to return, cancelling past the shutdown timeout), then `finalize` in reverse priority.
/// Errors never abort it; they are collected.
///
/// No task waits for a component: each one's steps are chained callbacks (``Race``), so a
/// component costs a task only for a `stop` or `finalize` it has (the task that runs it), or when
/// its `run` overstays the shutdown timeout (the task that cancels it and waits for the grace).
extension Engine {
    func unwind() async {
        let current = Self.grouped(runtimes)
        for (_, members) in current.reversed() {
            let stoppable = members.filter { $0.runnable != nil }
            guard !stoppable.isEmpty else { continue }
            let stopped = Countdown(stoppable.count)
            for runtime in stoppable { stopRunnable(runtime, then: stopped.tick) }
            await stopped.wait()
        }
        for (_, members) in current.reversed() {
            let due = members.filter { $0.state.withLock { s in s.initialized || s.initRunning } }
            for runtime in members where !due.contains(where: { $0 === runtime }) {
                runtime.state.withLock { $0.finalizeTurnPassed = true }
            }
            guard !due.isEmpty else { continue }
            let finalized = Countdown(due.count)
            for runtime in due { finalizeInTurn(runtime, then: finalized.tick) }
            await finalized.wait()
        }
    }

    /// ``finalizeInTurn(_:then:)``, awaited.
    func finalizeInTurn(_ runtime: ComponentRuntime) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            finalizeInTurn(runtime) { continuation.resume() }
        }
    }

    /// The component's turn to be finalized. An `initialize` the runner gave up on but that is
    /// still running has the cancellation grace, from when it was given up on, to return:
    /// finalized if it succeeded by then; abandoned if it still runs (and finalized as soon as it
    /// succeeds, see `lateInitialization`). Calls `done` once the turn is over.
    func finalizeInTurn(_ runtime: ComponentRuntime, then done: @escaping @Sendable () -> Void) {
        let (abandoned, givenUpAt) = runtime.state.withLock { ($0.initRunning, $0.initGivenUpAt) }
        let turn: @Sendable (Race.Outcome) -> Void = { _ in
            let (initialized, running) = runtime.state.withLock { s in
                s.finalizeTurnPassed = true
                return (s.initialized, s.initRunning)
            }
            if initialized {
                self.finalizeComponent(runtime, then: done)
                return
            }
            if running {
                runtime.logger.warning("init still running after cancellation: abandoned (finalized if it succeeds later)")
            }
            done()
        }
        if abandoned {
            Race.wait(for: runtime.initEnded, deadline: (givenUpAt ?? clock.now) + options.cancellationGrace,
                      scheduler: scheduler, abortOn: [gaveUp], then: turn)
        } else {
            turn(.completed(.success(())))
        }
    }

    /// ``stopRunnable(_:then:)``, awaited.
    func stopRunnable(_ runtime: ComponentRuntime) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            stopRunnable(runtime) { continuation.resume() }
        }
    }

    /// Stops one runnable: `stop()` bounded by the stop timeout, then the wait for `run` bounded by
    /// the shutdown timeout, then cancellation and the grace. Calls `done` once it is over.
    func stopRunnable(_ runtime: ComponentRuntime, then done: @escaping @Sendable () -> Void) {
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
            Race.wait(for: ended, deadline: clock.deadline(after: runtime.options.shutdownTimeout), scheduler: scheduler,
                      abortOn: [forced]) { _ in done() }
            return
        }
        // Running when asked to stop: it gets its stop() call even if the request itself (the
        // latch above) already made run return, so every stopped component has the same trace.
        guard status == .stopping, let ended else { return done() }

        // 1. stop(), bounded by the stop timeout; a forced shutdown skips the wait. Every deadline
        // is taken before its "started" event, so a test that sees the event and then moves the
        // clock never moves it under the deadline.
        let stopDeadline = clock.deadline(after: runtime.options.stopTimeout)
        emit(runtime, .stop, .started, attempt: attempt)
        let stopped: @Sendable (Race.Outcome) -> Void = { outcome in
            self.stopReturned(runtime, outcome)
            self.awaitRunEnd(runtime, ended, then: done)
        }
        guard runtime.phases.contains(.stop) else {
            // Nothing to call: the outcome a no-op would have, without its task or timer.
            return stopped(forced.isFired ? .aborted : .completed(.success(())))
        }
        let context = runtime.context(health: health, clock: clock, attempt: attempt)
        let runnable = runtime.runnable!
        Race.run(deadline: stopDeadline, scheduler: scheduler, abortOn: [forced],
                 { try await runnable.stop(context) }, then: stopped)
    }

    private func stopReturned(_ runtime: ComponentRuntime, _ outcome: Race.Outcome) {
        switch outcome {
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
    }

    /// 2. Waits for `run` to return, bounded by the shutdown timeout (from now: stop is done).
    private func awaitRunEnd(_ runtime: ComponentRuntime, _ ended: Latch, then done: @escaping @Sendable () -> Void) {
        let deadline = clock.deadline(after: runtime.options.shutdownTimeout)
        emit(runtime, .shutdown, .started)
        Race.wait(for: ended, deadline: deadline, scheduler: scheduler, abortOn: [forced]) { waitOutcome in
            if case .completed = waitOutcome {
                self.emit(runtime, .shutdown, .succeeded)
                return done()
            }
            self.cancelOverdueRun(runtime, ended, forced: waitOutcome.isAborted, then: done)
        }
    }

    /// 3. Past the limit (or forced): cancels the task and gives it a short grace to return.
    private func cancelOverdueRun(_ runtime: ComponentRuntime, _ ended: Latch, forced forcedNow: Bool,
                                  then done: @escaping @Sendable () -> Void) {
        runtime.state.withLock { $0.runTask }?.cancel()
        Race.wait(for: ended, deadline: clock.deadline(after: options.cancellationGrace), scheduler: scheduler,
                  abortOn: [gaveUp]) { graceOutcome in
            let returned: Bool = if case .completed = graceOutcome { true } else { false }
            if forcedNow, returned {
                // Forced by the user: cancelled as asked, and it returned.
                self.emit(runtime, .shutdown, .cancelled)
                return done()
            }
            // After a forced shutdown no shutdown timeout ran: say so instead of naming one.
            let error = LifecycleError(component: runtime.name, phase: .shutdown, kind: .notShutDown,
                                       limit: forcedNow ? nil : runtime.options.shutdownTimeout,
                                       detail: returned ? "returned after cancellation"
                                           : forcedNow ? "abandoned after a forced shutdown" : "abandoned: still running after cancellation")
            self.emit(runtime, .shutdown, .timedOut, error: error)
            done()
        }
    }

    /// Calls `finalize` (once, ever), bounded by the finalize timeout; then `done`.
    func finalizeComponent(_ runtime: ComponentRuntime, then done: @escaping @Sendable () -> Void = {}) {
        let first = runtime.state.withLock { s in
            defer { s.finalizeCalled = true }
            return !s.finalizeCalled
        }
        guard first else { return done() }  // finalized (or finalizing) already: never twice
        let deadline = clock.deadline(after: runtime.options.finalizeTimeout)
        emit(runtime, .finalize, .started)
        let finished: @Sendable (Race.Outcome) -> Void = { outcome in
            self.finalizeReturned(runtime, outcome)
            done()
        }
        guard runtime.phases.contains(.finalize) else {
            // Nothing to call: the outcome a no-op would have, without its task or timer.
            return finished(gaveUp.isFired ? .aborted : .completed(.success(())))
        }
        let context = runtime.context(health: health, clock: clock)
        let component = runtime.component
        Race.run(deadline: deadline, scheduler: scheduler, abortOn: [gaveUp],
                 { try await component.finalize(context) }, then: finished)
    }

    private func finalizeReturned(_ runtime: ComponentRuntime, _ outcome: Race.Outcome) {
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

extension BoundedOutcome {
    /// Whether an abort latch won.
    var isAborted: Bool { if case .aborted = self { true } else { false } }
}
