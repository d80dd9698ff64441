/// A component that prepares something before the application runs and may release it afterwards:
/// loading configuration, opening a database pool, running migrations.
///
/// The runner calls, for each registered initializer: `inject(_ context:)` (with its
/// priority group), then ``initialize(_:)`` (concurrently with its group), and at the end
/// ``finalize(_:)`` in reverse priority order, only if `initialize` succeeded.
///
/// ## An initializer the runner gives up on
///
/// `initialize` is abandoned when its init timeout passes, when a sibling of its group fails (after
/// the cancellation grace), or when a shutdown is requested during startup: its task is cancelled
/// and startup goes on to the unwind without waiting. An `initialize` that throws then (a
/// `CancellationError` included) is never finalized, so it must release on its way out what it had
/// acquired. One that *succeeds* anyway holds resources, so it is finalized, exactly once: in its
/// turn of the unwind if it returned by then (the runner waits for it there up to
/// ``LifecycleOptions/cancellationGrace``), or as soon as it returns if it comes later, even
/// after ``Lifecycle/run()`` returned. One still running when its turn passes is listed in
/// ``LifecycleReport/abandoned``; its late `finalize` is then logged, not reported (the report is
/// made), and it happens only if the process is still alive.
public protocol Initializer: Sendable {
    /// Resolves the services the component needs, from the same context every other phase gets:
    /// its name, metadata, logger and view of the container (an overlay that holds, among others,
    /// ``ServiceKey/logger`` for this component), and the health registry. Throwing here is
    /// reported as an *inject* error and the component is never initialized. `inject` must not
    /// block: it is not bounded by a timeout.
    ///
    /// Default: calls `inject(_ services:)` with `context.services`, so a conformer
    /// written against that earlier form keeps working.
    func inject(_ context: LifecycleContext) async throws

    /// The earlier form of `inject(_ context:)`: resolves services from the
    /// component's overlay of the container. Called only by the default implementation of the
    /// context form; implement one form or the other. Default: does nothing.
    func inject(_ services: ServiceContainer) async throws

    /// Prepares the component. Throwing aborts startup. Bounded by the init timeout; a shutdown
    /// request during startup cancels it. See "An initializer the runner gives up on" above for
    /// what happens to one that does not return when cancelled.
    func initialize(_ context: LifecycleContext) async throws

    /// Releases what ``initialize(_:)`` acquired. Called once, during the unwind, bounded by the
    /// finalize timeout; errors are reported and never stop the unwind. Default: does nothing.
    func finalize(_ context: LifecycleContext) async throws
}

extension Initializer {
    /// Calls `inject(_ services:)` with the component's overlay of the container.
    public func inject(_ context: LifecycleContext) async throws { try await inject(context.services) }
    /// Does nothing.
    public func inject(_ services: ServiceContainer) async throws {}
    /// Does nothing.
    public func finalize(_ context: LifecycleContext) async throws {}
}
