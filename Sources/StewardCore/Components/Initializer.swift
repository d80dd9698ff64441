/// A component that prepares something before the application runs and may release it afterwards:
/// loading configuration, opening a database pool, running migrations.
///
/// The runner calls, for each registered initializer: ``inject(_:)`` (with its priority group),
/// then ``initialize(_:)`` (concurrently with its group), and at the end ``finalize(_:)`` in reverse
/// priority order, only if `initialize` succeeded.
public protocol Initializer: Sendable {
    /// Resolves the services the component needs from its view of the container (an overlay that
    /// holds, among others, ``ServiceKey/logger`` for this component). Throwing here is reported as
    /// an *inject* error and the component is never initialized. Default: does nothing.
    func inject(_ services: ServiceContainer) async throws

    /// Prepares the component. Throwing aborts startup. Bounded by the init timeout; a shutdown
    /// request during startup cancels it (the task is cancelled; an initializer that was cancelled
    /// is not finalized, so it must clean up after itself on cancellation).
    func initialize(_ context: LifecycleContext) async throws

    /// Releases what ``initialize(_:)`` acquired. Called once, during the unwind, bounded by the
    /// finalize timeout; errors are reported and never stop the unwind. Default: does nothing.
    func finalize(_ context: LifecycleContext) async throws
}

extension Initializer {
    /// Does nothing.
    public func inject(_ services: ServiceContainer) async throws {}
    /// Does nothing.
    public func finalize(_ context: LifecycleContext) async throws {}
}
