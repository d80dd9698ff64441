/// Components added and removed while the application runs (a supervisor's reload).
///
/// An added component goes through the same steps as a startup group of one: inject, init, run,
/// health (bounded by its own timeouts). A removed one through the same steps as its group in the
/// unwind: stop, wait for `run`, finalize. A failure is reported (in the events and the final
/// report) and the addition is rolled back; it never shuts the application down.
extension Engine {
    func add(name: String, component: any Initializer, options requestedOptions: ComponentOptions) async throws(LifecycleChangeError) {
        let componentOptions = requestedOptions.addingReadinessKey(of: component, name: name)
        guard state.withLock({ $0.startupComplete }), !isShuttingDown else { throw .notRunning }
        let runtime = ComponentRuntime.make(name: name, component: component, options: componentOptions,
                                            logger: options.logger, services: services)
        let added = membership.withLock { members -> Bool in
            guard !members.contains(where: { $0.name == name }) else { return false }
            members.append(runtime)
            return true
        }
        guard added else { throw .duplicateName(name) }
        var registered: [HealthKey] = []
        for key in componentOptions.healthKeys {
            do { try health.register(key, owner: name) } catch {
                for done in registered { health.unregister(done) }
                membership.withLock { $0.removeAll { $0 === runtime } }
                throw .healthKey("\(error)")
            }
            registered.append(key)
        }
        let failed: @Sendable () -> Void = {}
        var ok = await injectGroup([runtime], onFailure: failed)
        if ok { ok = await initializeGroup([runtime], onFailure: failed) }
        if ok, runtime.runnable != nil {
            ok = await launchAndAwaitHealthy([runtime], onFailure: failed)
        }
        if !ok {
            let reason = runtime.state.withLock { $0.lastError } ?? "did not start"
            await remove(runtime)
            throw .failed(name: name, reason: reason)
        }
    }

    /// Runs `body` (a batch of adds and removes) without letting an empty moment end the
    /// application; once it is done, an application left with no runnable completes as usual.
    func reconfigure<Result: Sendable>(_ body: @Sendable () async throws -> Result) async rethrows -> Result {
        state.withLock { $0.reconfigurations += 1 }
        defer {
            state.withLock { $0.reconfigurations -= 1 }
            checkAllRunnablesDone()
        }
        return try await body()
    }

    func remove(name: String) async throws(LifecycleChangeError) {
        guard !isShuttingDown else { throw .notRunning }
        guard let runtime = runtimes.first(where: { $0.name == name }) else { throw .unknownName(name) }
        await remove(runtime)
    }

    private func remove(_ runtime: ComponentRuntime) async {
        if runtime.runnable != nil { await stopRunnable(runtime) }
        await finalizeInTurn(runtime)
        for key in runtime.options.healthKeys { health.unregister(key) }
        membership.withLock { $0.removeAll { $0 === runtime } }
        finishRunnable(runtime)
    }
}

/// A component could not be added or removed while running.
public struct LifecycleChangeError: Error, Sendable, CustomStringConvertible {
    public let description: String

    /// The application is not running (still starting, or shutting down).
    public static let notRunning = LifecycleChangeError(description: "the application is not running (starting up or shutting down)")
    /// A component with that name exists.
    public static func duplicateName(_ name: String) -> LifecycleChangeError {
        LifecycleChangeError(description: "a component named \"\(name)\" already exists")
    }
    /// No component has that name.
    public static func unknownName(_ name: String) -> LifecycleChangeError {
        LifecycleChangeError(description: "no component named \"\(name)\"")
    }
    /// A health key could not be registered.
    public static func healthKey(_ reason: String) -> LifecycleChangeError { LifecycleChangeError(description: reason) }
    /// The component failed to start; it was removed again.
    public static func failed(name: String, reason: String) -> LifecycleChangeError {
        LifecycleChangeError(description: "\(name) did not start: \(reason)")
    }
}
