/// What a run continuing an interrupted pipeline knows about the run it continues.
public struct ProceedInfo: Sendable, Hashable {
    /// The interrupted run.
    public var interruptedRun: RunID
    /// The step that interrupted it (the last completed one); the pipeline continues after it.
    public var lastCompletedStep: String?
    /// The value given to ``JobScheduler/proceed(_:extra:)``.
    public var extra: JobValue

    /// Creates the information.
    public init(interruptedRun: RunID, lastCompletedStep: String?, extra: JobValue) {
        self.interruptedRun = interruptedRun
        self.lastCompletedStep = lastCompletedStep
        self.extra = extra
    }
}
