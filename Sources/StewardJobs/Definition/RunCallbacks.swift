/// Code called when a run of a definition ends, each at most once per run, after the final record
/// is written: an error thrown inside is logged (and noted in the run's log) and never changes the
/// run's final state.
///
/// Callbacks are for runs that started; a run that never started (`skipped`, `missed`, or
/// stopped while queued) calls none. Which callbacks a run calls, by its final state:
///
/// | final state | callbacks, in this order |
/// |---|---|
/// | `succeeded` | ``onSuccess``, ``onFinish`` |
/// | `failed` (the work threw, or a command exited non-zero) | ``onFailure``, ``onFinish`` |
/// | `crashed` | ``onCrash``, ``onFailure``, ``onFinish`` |
/// | `stopped`, `killed` | ``onStop``, ``onFailure``, ``onFinish`` |
/// | `timedOut` | ``onFailure``, ``onFinish`` |
/// | `interrupted` (a pipeline paused, to proceed later) | ``onFinish`` |
///
/// So ``onFailure`` is the one to use for "tell me when it did not work": it is called for every
/// final state but `succeeded` and `interrupted`, a thrown error included; ``onCrash`` is narrower
/// (only an abnormal death). A run that is retried calls its callbacks per attempt.
///
/// When the scheduler shuts down while a callback runs, the callback's task is cancelled (return
/// promptly when `Task.isCancelled`) and the callbacks after it are not called: a callback never
/// holds a shutdown up.
public struct RunCallbacks: Sendable {
    /// A callback: receives the final record.
    public typealias Callback = @Sendable (RunRecord) async throws -> Void

    /// Called for every run that started and ended (any final state but `skipped` and `missed`),
    /// last.
    public var onFinish: Callback?
    /// Called for runs that ended `stopped` or `killed`.
    public var onStop: Callback?
    /// Called for runs that ended `crashed`.
    public var onCrash: Callback?
    /// Called for runs that ended `succeeded`.
    public var onSuccess: Callback?
    /// Called for runs that started and did not succeed: `failed` (a thrown error), `crashed`,
    /// `stopped`, `killed` or `timedOut`; after ``onStop`` or ``onCrash``.
    public var onFailure: Callback?

    /// Creates callbacks; none by default.
    public init(onFinish: Callback? = nil, onStop: Callback? = nil, onCrash: Callback? = nil,
                onSuccess: Callback? = nil, onFailure: Callback? = nil) {
        self.onFinish = onFinish
        self.onStop = onStop
        self.onCrash = onCrash
        self.onSuccess = onSuccess
        self.onFailure = onFailure
    }

    /// The callbacks a run ending in `state` calls, in order, with their names.
    func due(for state: RunState) -> [(name: String, callback: Callback)] {
        var due: [(name: String, callback: Callback)] = []
        if state == .stopped || state == .killed, let onStop { due.append(("onStop", onStop)) }
        if state == .crashed, let onCrash { due.append(("onCrash", onCrash)) }
        if state == .succeeded, let onSuccess { due.append(("onSuccess", onSuccess)) }
        if state != .succeeded, state != .interrupted, let onFailure { due.append(("onFailure", onFailure)) }
        if let onFinish { due.append(("onFinish", onFinish)) }
        return due
    }
}
