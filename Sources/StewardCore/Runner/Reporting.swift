/// The report of a run: made when the unwind is done, or at the shutdown deadline from what was
/// known then. Errors are collected as they happen, in one order whatever the interleaving of
/// the tasks that report them.
extension Engine {
    /// An error as recorded: when, and whether shutdown had begun.
    struct RecordedError {
        let error: LifecycleError
        let time: Duration
        let duringUnwind: Bool
    }

    /// What the runner knew when the shutdown deadline passed: the report is made of it.
    struct GaveUp {
        /// Components still running (a `run` not returned, an abandoned `initialize` not returned).
        let stillRunning: [String]
    }

    /// Makes the report (once `run` stops waiting) and logs its outcome.
    func finish() -> LifecycleReport {
        let (signalToken, deadlineTask) = state.withLock { ($0.signalToken, $0.deadlineTask) }
        if let signalToken { SignalListener.shared.removeObserver(signalToken) }
        deadlineTask?.cancel()
        scheduler.shutdown()
        let gaveUp = state.withLock { s in
            s.reporting = true
            return s.gaveUp
        }
        let abandoned = gaveUp?.stillRunning ?? stillRunning()
        let wasForced = forced.isFired || gaveUp != nil
        let order = Dictionary(runtimes.enumerated().map { ($1.name, (priority: $1.options.priority, index: $0)) },
                               uniquingKeysWith: { first, _ in first })
        let report = state.withLock {
            LifecycleReport(errors: Self.reportOrder($0.errors, registration: order), cause: $0.cause, abandoned: abandoned,
                            unwindErrorCount: $0.unwindErrors, forced: wasForced)
        }
        milestone(.finished)
        reported.fire()
        if report.isClean {
            logger.info("lifecycle finished cleanly", metadata: ["exit_code": "\(report.exitCode)"])
        } else {
            logger.error("lifecycle finished with errors", metadata: ["exit_code": "\(report.exitCode)", "errors": "\(report.errors.count)"])
        }
        bus.finish()
        return report
    }

    /// The shutdown deadline passed: the report is made now, of what is known now (who is still
    /// running, who is not finalized, the errors so far, then the deadline's), and `run` returns.
    /// Whatever the abandoned tasks do from here on is logged, not reported: the same scenario
    /// always gives the same report.
    func giveUp(deadline: Duration) {
        let running = stillRunning()
        let unfinalized = runtimes.filter { runtime in
            !running.contains(runtime.name) && runtime.state.withLock { $0.initialized && $0.status != .finalized }
        }.map(\.name)
        var details: [String] = []
        if !running.isEmpty { details.append("still running: \(running.joined(separator: ", "))") }
        if !unfinalized.isEmpty { details.append("not finalized: \(unfinalized.joined(separator: ", "))") }
        let error = LifecycleError(component: "lifecycle", phase: .shutdown, kind: .deadline, limit: deadline,
                                   detail: details.isEmpty ? nil : details.joined(separator: "; "))
        let now = clock.now
        let claimed = state.withLock { s -> Bool in
            guard !s.reporting, s.gaveUp == nil else { return false }
            s.errors.append(RecordedError(error: error, time: now, duringUnwind: true))
            s.unwindErrors += 1
            s.gaveUp = GaveUp(stillRunning: running)
            return true
        }
        guard claimed else { return }
        logger.error("\(error)", metadata: ["phase": "shutdown"])
        force()
        gaveUp.fire()
    }

    /// The components still running: a `run` that has not returned, or an `initialize` the runner
    /// gave up on that has not returned. A component whose `run` ended is never listed, even if
    /// its `finalize` was cut short.
    func stillRunning() -> [String] {
        runtimes.filter { runtime in
            runtime.state.withLock { s in (s.runEnded.map { !$0.isFired } ?? false) || s.initRunning }
        }.map(\.name)
    }

    /// Adds `error` to the report (it is logged by the caller), unless the report was made at the
    /// shutdown deadline.
    func record(_ error: LifecycleError) {
        let now = clock.now
        state.withLock { s in
            guard s.gaveUp == nil else { return }
            s.errors.append(RecordedError(error: error, time: now, duringUnwind: s.cause != nil))
            if s.cause != nil { s.unwindErrors += 1 }
        }
    }

    /// The errors in the order they happened; errors of one phase of one priority group at one
    /// instant, before or during the unwind (siblings timing out together), in registration
    /// order, whichever task recorded its error first. `registration` maps a component's name to
    /// its priority and registration index; errors of no component (config, the runner) keep
    /// their place.
    static func reportOrder(_ recorded: [RecordedError], registration: [String: (priority: Int, index: Int)]) -> [LifecycleError] {
        func siblings(_ a: RecordedError, _ b: RecordedError) -> Bool {
            guard let left = registration[a.error.component], let right = registration[b.error.component] else { return false }
            return a.time == b.time && a.duringUnwind == b.duringUnwind && a.error.phase == b.error.phase && left.priority == right.priority
        }
        var ordered: [LifecycleError] = []
        var start = recorded.startIndex
        while start < recorded.endIndex {
            var end = start + 1
            while end < recorded.endIndex, siblings(recorded[start], recorded[end]) { end += 1 }
            let run = recorded[start..<end].enumerated().sorted { a, b in
                let (left, right) = (registration[a.element.error.component]!.index, registration[b.element.error.component]!.index)
                return left != right ? left < right : a.offset < b.offset
            }
            ordered += run.map(\.element.error)
            start = end
        }
        return ordered
    }
}
