/// A runnable that says itself when it is ready: a server is ready once it listens, not when its
/// `run` starts.
///
/// The runner registers a health key named after the component (``LifecycleContext/readinessKey``),
/// unhealthy ("starting"), and waits for it like any key in ``ComponentOptions/healthKeys`` before
/// starting the next priority group and before reporting the application ready. No opt-in at the
/// registration site is needed; listing the same key in `healthKeys` is allowed and changes nothing.
///
/// ```swift
/// struct Listener: ReadinessReporting {
///     func run(_ context: LifecycleContext) async throws {
///         let socket = try bindAndListen()
///         context.setReady(true)
///         try await serve(socket, until: context)
///     }
/// }
/// ```
public protocol ReadinessReporting: Runnable {}

extension LifecycleContext {
    /// The health key of a ``ReadinessReporting`` component: its name.
    public var readinessKey: HealthKey { HealthKey(name) }

    /// Marks this ``ReadinessReporting`` component ready or not (its ``readinessKey``). Does
    /// nothing for other components, whose key was never registered.
    public func setReady(_ ready: Bool, reason: String? = nil) {
        try? health.update(readinessKey, healthy: ready, reason: reason ?? (ready ? nil : "not ready"))
    }
}

extension ComponentOptions {
    /// These options with the component's own readiness key added when it reports its readiness.
    func addingReadinessKey(of component: any Initializer, name: String) -> ComponentOptions {
        guard component is any ReadinessReporting, !healthKeys.contains(HealthKey(name)) else { return self }
        var options = self
        options.healthKeys.append(HealthKey(name))
        return options
    }
}
