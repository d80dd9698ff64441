/// A long-running component: a server, a consumer loop, a supervised child OS process.
///
/// Besides the ``Initializer`` phases, the runner starts ``run(_:)`` once the component's priority
/// group has initialized, and during the unwind calls ``stop(_:)`` and waits for `run` to return.
///
/// `run` should return (or throw) soon after `stop` is called or after
/// ``LifecycleContext/isStopRequested`` turns true; task cancellation is the second, stronger
/// request, used when the shutdown timeout passes or shutdown is forced.
public protocol Runnable: Initializer {
    /// Does the component's work until asked to stop. Returning before a stop request is an
    /// "unexpected return" unless early exit is allowed; throwing is a failure (both handled by the
    /// restart policy, then escalated to a shutdown if the component is critical).
    func run(_ context: LifecycleContext) async throws

    /// Asks `run` to return. Need not wait for it. Called at most once per unwind, bounded by the
    /// stop timeout. Default: does nothing (``LifecycleContext/untilStopRequested()`` is enough for
    /// most runnables).
    func stop(_ context: LifecycleContext) async throws
}

extension Runnable {
    /// Does nothing: a runnable without preparation.
    public func initialize(_ context: LifecycleContext) async throws {}
    /// Does nothing: `run` observes the stop request through its context.
    public func stop(_ context: LifecycleContext) async throws {}
}
