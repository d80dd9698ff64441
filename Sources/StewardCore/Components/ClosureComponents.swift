/// An ``Initializer`` made of closures, for components too small to deserve a type.
public struct ClosureInitializer: Initializer, DeclaredPhases {
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

    var phases: ComponentPhases { finalizeBody == nil ? [.initialize] : [.initialize, .finalize] }
}

/// A ``Runnable`` made of closures. Without a `stop` closure, `run` must watch
/// ``LifecycleContext/untilStopRequested()`` or cancellation.
public struct ClosureRunnable: Runnable, DeclaredPhases {
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

    var phases: ComponentPhases { stopBody == nil ? [] : [.stop] }
}

/// The optional phases a component really has: those whose call may do something. The runner
/// skips the call of any other (no task, no timer), though never its events: a closure runnable
/// without a `stop` still reports "stop started" and "stop succeeded", as every runnable does.
struct ComponentPhases: OptionSet, Sendable {
    let rawValue: UInt8
    /// `inject` is implemented (it is never a no-op the runner can see, except for closures).
    static let inject = ComponentPhases(rawValue: 1 << 0)
    static let initialize = ComponentPhases(rawValue: 1 << 1)
    static let stop = ComponentPhases(rawValue: 1 << 2)
    static let finalize = ComponentPhases(rawValue: 1 << 3)
    /// What the runner assumes of a component it cannot see into: every phase may do something.
    static let all: ComponentPhases = [.inject, .initialize, .stop, .finalize]
}

/// A component that tells the runner which optional phases it has (the closure components, whose
/// absent closures are no-ops). Any other component is assumed to have them all.
protocol DeclaredPhases {
    var phases: ComponentPhases { get }
}
