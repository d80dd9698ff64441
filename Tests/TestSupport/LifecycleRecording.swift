import StewardCore
import StewardTesting

/// Records every lifecycle event as `"<component> <phase> <outcome>"` (or the milestone text).
public struct EventRecorder {
    public let trace = Trace()
    let task: Task<Void, Never>

    public init(_ lifecycle: Lifecycle) {
        let stream = lifecycle.events()
        let trace = self.trace
        task = Task {
            for await event in stream { trace.record(EventRecorder.entry(for: event)) }
        }
    }

    /// `"group 0 ready"`, `"web run started"`, `"web run restarting"`.
    public static func entry(for event: LifecycleEvent) -> String {
        if let milestone = event.milestone { return milestone.description }
        return "\(event.component ?? "?") \(event.phase?.description ?? "?") \(event.outcome?.description ?? "?")"
    }

    /// Waits until the event stream ended (the run returned) and returns the trace.
    public func finished() async -> Trace {
        await task.value
        return trace
    }
}

/// A lifecycle running in the background.
public struct RunningLifecycle {
    public let lifecycle: Lifecycle
    public let task: Task<LifecycleReport, Never>

    /// The report once `run()` returns. If the test is cancelled (its time limit passed), the
    /// shutdown is forced so that a hung test ends instead of hanging the whole run.
    public var value: LifecycleReport {
        get async {
            await withTaskCancellationHandler { await task.value } onCancel: { [lifecycle] in lifecycle.forceShutdown() }
        }
    }
}

/// Runs a lifecycle in the background.
public func start(_ lifecycle: Lifecycle) -> RunningLifecycle {
    RunningLifecycle(lifecycle: lifecycle, task: Task { await lifecycle.run() })
}
