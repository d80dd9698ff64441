/// Code called when a run of a definition ends, each at most once per run, after the final record
/// is written: an error thrown inside is logged (and noted in the run's log) and never changes the
/// run's final state.
public struct RunCallbacks: Sendable {
    /// A callback: receives the final record.
    public typealias Callback = @Sendable (RunRecord) async throws -> Void

    /// Called for every run that started and ended (any final state but `skipped` and `missed`),
    /// after ``onStop`` or ``onCrash``.
    public var onFinish: Callback?
    /// Called for runs that ended `stopped` or `killed`.
    public var onStop: Callback?
    /// Called for runs that ended `crashed`.
    public var onCrash: Callback?

    /// Creates callbacks; none by default.
    public init(onFinish: Callback? = nil, onStop: Callback? = nil, onCrash: Callback? = nil) {
        self.onFinish = onFinish
        self.onStop = onStop
        self.onCrash = onCrash
    }
}
