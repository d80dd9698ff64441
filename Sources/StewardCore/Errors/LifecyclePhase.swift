/// A phase of a component's life. A struct wrapping a private enum so phases can be added later.
public struct LifecyclePhase: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable { case config, inject, initialize, run, ready, stop, shutdown, finalize }
    private let kind: Kind

    /// Loading configuration from the environment (before any component is touched).
    public static let config = LifecyclePhase(kind: .config)
    /// Resolving a component's services from its overlay container.
    public static let inject = LifecyclePhase(kind: .inject)
    /// A component's `initialize`.
    public static let initialize = LifecyclePhase(kind: .initialize)
    /// A runnable's `run`.
    public static let run = LifecyclePhase(kind: .run)
    /// Waiting for a runnable's health keys after its `run` started.
    public static let ready = LifecyclePhase(kind: .ready)
    /// A runnable's `stop` call.
    public static let stop = LifecyclePhase(kind: .stop)
    /// Waiting for `run` to return after `stop`.
    public static let shutdown = LifecyclePhase(kind: .shutdown)
    /// A component's `finalize`.
    public static let finalize = LifecyclePhase(kind: .finalize)

    /// `config`, `inject`, `init`, `run`, `ready`, `stop`, `shutdown` or `finalize`.
    public var description: String {
        switch kind {
        case .config: "config"
        case .inject: "inject"
        case .initialize: "init"
        case .run: "run"
        case .ready: "ready"
        case .stop: "stop"
        case .shutdown: "shutdown"
        case .finalize: "finalize"
        }
    }
}
