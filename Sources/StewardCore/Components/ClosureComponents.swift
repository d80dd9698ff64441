/// An ``Initializer`` made of closures, for components too small to deserve a type.
public struct ClosureInitializer: Initializer {
    private let initializeBody: @Sendable (LifecycleContext) async throws -> Void
    private let finalizeBody: (@Sendable (LifecycleContext) async throws -> Void)?

    /// Creates an initializer from `initialize` and an optional `finalize`.
    public init(initialize: @escaping @Sendable (LifecycleContext) async throws -> Void,
                finalize: (@Sendable (LifecycleContext) async throws -> Void)? = nil) {
        initializeBody = initialize
        finalizeBody = finalize
    }

    public func initialize(_ context: LifecycleContext) async throws { try await initializeBody(context) }
    public func finalize(_ context: LifecycleContext) async throws { try await finalizeBody?(context) }
}

/// A ``Runnable`` made of closures. Without a `stop` closure, `run` must watch
/// ``LifecycleContext/untilStopRequested()`` or cancellation.
public struct ClosureRunnable: Runnable {
    private let runBody: @Sendable (LifecycleContext) async throws -> Void
    private let stopBody: (@Sendable (LifecycleContext) async throws -> Void)?

    /// Creates a runnable from `run` and an optional `stop`.
    public init(run: @escaping @Sendable (LifecycleContext) async throws -> Void,
                stop: (@Sendable (LifecycleContext) async throws -> Void)? = nil) {
        runBody = run
        stopBody = stop
    }

    public func run(_ context: LifecycleContext) async throws { try await runBody(context) }
    public func stop(_ context: LifecycleContext) async throws { try await stopBody?(context) }
}
