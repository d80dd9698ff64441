import StewardCore

/// Records every event of a lifecycle as one line of a ``Trace``: `"<component> <phase>
/// <outcome>"` (`"web run started"`, `"db init failed"`) or the milestone's text (`"ready"`,
/// `"group 0 ready"`, `"shutdown"`, `"finished"`).
///
/// Create it before `Lifecycle.run()` so that no event is missed:
///
/// ```swift
/// let recorder = EventRecorder(lifecycle)
/// let running = lifecycle.runInBackground()
/// await recorder.waitUntilReady()
/// lifecycle.requestShutdown()
/// let report = await running.report
/// let trace = await recorder.finished()
/// #expect(trace.strictMismatch([.unordered("db init started", "db init succeeded"), …]) == nil)
/// ```
public struct EventRecorder: Sendable {
    /// The events so far, as lines.
    public let trace = Trace()
    private let task: Task<Void, Never>

    /// Starts recording `lifecycle`'s events.
    public init(_ lifecycle: Lifecycle) {
        let stream = lifecycle.events()
        let trace = self.trace
        task = Task {
            for await event in stream { trace.record(EventRecorder.entry(for: event)) }
        }
    }

    /// The trace line of `event`: `"group 0 ready"`, `"web run started"`, `"web run restarting"`.
    public static func entry(for event: LifecycleEvent) -> String {
        if let milestone = event.milestone { return milestone.description }
        return "\(event.component ?? "?") \(event.phase?.description ?? "?") \(event.outcome?.description ?? "?")"
    }

    /// Returns once the lifecycle is ready (every group started and healthy). Never returns for a
    /// lifecycle that does not get there: bound it with the test's time limit.
    public func waitUntilReady() async {
        await trace.waitFor("ready")
    }

    /// Waits until the event stream ended (`Lifecycle.run()` returned) and returns the trace.
    public func finished() async -> Trace {
        await task.value
        return trace
    }
}

/// A lifecycle running in the background, from `Lifecycle.runInBackground()`.
public struct RunningLifecycle: Sendable {
    /// The lifecycle.
    public let lifecycle: Lifecycle
    /// The task running it.
    public let task: Task<LifecycleReport, Never>

    /// The report once `Lifecycle.run()` returns. If the waiting test is cancelled (its time
    /// limit passed), the shutdown is forced, so that a hung test ends instead of hanging the run.
    public var report: LifecycleReport {
        get async {
            await withTaskCancellationHandler { await task.value } onCancel: { [lifecycle] in lifecycle.forceShutdown() }
        }
    }
}

extension Lifecycle {
    /// Runs the lifecycle in a task of its own (for tests: the test drives it meanwhile).
    public func runInBackground() -> RunningLifecycle {
        RunningLifecycle(lifecycle: self, task: Task { await self.run() })
    }
}
