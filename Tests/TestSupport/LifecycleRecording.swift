import StewardCore
// The test kit users get (EventRecorder, Gate, Trace, ManualClock) is what these tests use too.
@_exported import StewardTesting

extension RunningLifecycle {
    /// The report once `run()` returns (the tests' older spelling of ``RunningLifecycle/report``).
    public var value: LifecycleReport {
        get async { await report }
    }
}

/// Runs a lifecycle in the background.
public func start(_ lifecycle: Lifecycle) -> RunningLifecycle {
    lifecycle.runInBackground()
}
