import StewardCore
import Synchronization

/// The lifecycle a server's routes serve, bound once it is built: an ``HTTPServer`` registered
/// in a `LifecycleBuilder` exists before the `Lifecycle` it reports on.
///
/// ```swift
/// let reference = LifecycleReference()
/// var router = HTTPRouter()
/// LifecycleRoutes.mount(reference, on: &router)
/// builder.add(HTTPServer(configuration: .init(port: 8080), handler: router), name: "http")
/// let lifecycle = try builder.build()
/// reference.bind(lifecycle)
/// ```
public final class LifecycleReference: Sendable {
    private let bound = Mutex<Lifecycle?>(nil)

    /// Creates an unbound reference (its routes answer 503 until ``bind(_:)``).
    public init() {}

    /// Binds the lifecycle; later calls replace it.
    public func bind(_ lifecycle: Lifecycle) { bound.withLock { $0 = lifecycle } }

    /// The bound lifecycle.
    public var lifecycle: Lifecycle? { bound.withLock { $0 } }
}
