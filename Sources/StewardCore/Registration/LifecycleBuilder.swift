/// Collects components, services and config types, then builds a ``Lifecycle``.
public struct LifecycleBuilder: Sendable {
    struct Registration: Sendable {
        let name: String
        let component: any Initializer
        let options: ComponentOptions
    }

    /// The root service container, shared by every component (through its overlay).
    public let services: ServiceContainer
    private var registrations: [Registration] = []
    private var configs: [Engine.ConfigLoad] = []
    private var helpSections: [ConfigHelp.Section] = []

    /// Creates a builder around `services` (a new empty container by default).
    public init(services: ServiceContainer = ServiceContainer()) {
        self.services = services
    }

    /// Registers an initializer or runnable (a ``Runnable`` is detected and supervised).
    public mutating func add(_ component: some Initializer, name: String, options: ComponentOptions = .init()) {
        registrations.append(Registration(name: name, component: component, options: options))
    }

    /// Registers an initializer made of closures.
    public mutating func addInitializer(_ name: String, options: ComponentOptions = .init(),
                                        initialize: @escaping @Sendable (LifecycleContext) async throws -> Void,
                                        finalize: (@Sendable (LifecycleContext) async throws -> Void)? = nil) {
        add(ClosureInitializer(initialize: initialize, finalize: finalize), name: name, options: options)
    }

    /// Registers a finalizer: a component with nothing to prepare and something to release at the
    /// end (flushing telemetry, removing a pid file). It is finalized in reverse priority order like
    /// every initialized component.
    public mutating func addFinalizer(_ name: String, options: ComponentOptions = .init(),
                                      finalize: @escaping @Sendable (LifecycleContext) async throws -> Void) {
        add(ClosureInitializer(initialize: { _ in }, finalize: finalize), name: name, options: options)
    }

    /// Registers a runnable made of closures.
    public mutating func addRunnable(_ name: String, options: ComponentOptions = .init(),
                                     run: @escaping @Sendable (LifecycleContext) async throws -> Void,
                                     stop: (@Sendable (LifecycleContext) async throws -> Void)? = nil) {
        add(ClosureRunnable(run: run, stop: stop), name: name, options: options)
    }

    /// Registers a config type loaded before any component is touched, and stored in the root
    /// container under `key`. Values come from `environment` (the process's by default), over
    /// values from the optional `.env` files (later files win; a variable set in the environment
    /// wins over every file). Field errors of every config type, and file syntax errors, are
    /// reported together and abort startup. The type's fields appear in ``Lifecycle/helpText``.
    public mutating func addConfig<T: EnvironmentConfig>(_ type: T.Type, prefix: String, key: ServiceKey<T>,
                                                         environment: [String: String]? = nil, files: [String] = []) {
        let environment = environment ?? ProcessEnvironment.current
        let title = "\(T.self)"
        let component = prefix.isEmpty ? title : prefix
        configs.append(Engine.ConfigLoad(title: title) { services in
            var merged: [String: String] = [:]
            var errors: [LifecycleError] = []
            for file in files {
                do throws(DotEnvFile.SyntaxError) {
                    merged.merge(try DotEnvFile.load(path: file).values) { _, new in new }
                } catch {
                    errors.append(LifecycleError(component: component, phase: .config, kind: .failed, underlying: error))
                }
            }
            merged.merge(environment) { _, fromEnvironment in fromEnvironment }
            do throws(ConfigErrors) {
                let value = try EnvironmentLoader(prefix: prefix, environment: merged).load(T.self)
                if errors.isEmpty { services.set(key, value) }
            } catch {
                errors += error.errors.map { LifecycleError(component: component, phase: .config, kind: .failed, underlying: $0) }
            }
            return errors
        })
        helpSections.append(ConfigHelp.Section(title: title, prefix: prefix, type: T.self))
    }

    /// Validates the registrations and builds the lifecycle.
    /// - Throws: ``LifecycleBuildError`` listing every problem: empty or duplicate names, duplicate
    ///   health keys (including the runner's readiness key).
    public func build(options: LifecycleOptions = LifecycleOptions()) throws(LifecycleBuildError) -> Lifecycle {
        var problems: [String] = []
        var seen: Set<String> = []
        let health = (try? services.resolve(.health)) ?? HealthRegistry()
        if !services.contains(.health) { services.set(.health, health) }
        if let key = options.readinessKey, health.status(of: key) != nil {
            problems.append("health key \"\(key)\" is reserved for the runner's readiness")
        }
        var runtimes: [ComponentRuntime] = []
        for registration in registrations {
            let name = registration.name
            let componentOptions = registration.options.addingReadinessKey(of: registration.component, name: name)
            if name.isEmpty { problems.append("a component has an empty name") }
            if !seen.insert(name).inserted { problems.append("component name \"\(name)\" is registered twice") }
            for key in componentOptions.healthKeys {
                if key == options.readinessKey {
                    problems.append("\(name): health key \"\(key)\" is reserved for the runner's readiness")
                    continue
                }
                do { try health.register(key, owner: name) } catch { problems.append("\(name): \(error)") }
            }
            runtimes.append(ComponentRuntime.make(name: name, component: registration.component, options: componentOptions,
                                                  logger: options.logger, services: services))
        }
        guard problems.isEmpty else { throw LifecycleBuildError(problems: problems) }
        // Registered now, not when `run` starts: a probe asked in between (an HTTP server or a
        // control socket opened before `run`) must not find an empty registry and call it ready.
        if let key = options.readinessKey { try? health.register(key, owner: nil, reason: "starting") }
        let engine = Engine(runtimes: runtimes, configs: configs, options: options, health: health, services: services)
        return Lifecycle(engine: engine, helpSections: helpSections)
    }
}

/// The registrations given to ``LifecycleBuilder`` are inconsistent.
public struct LifecycleBuildError: Error, Sendable, CustomStringConvertible {
    /// Every problem found, one sentence each.
    public var problems: [String]

    /// Creates an error.
    public init(problems: [String]) { self.problems = problems }

    public var description: String { "invalid lifecycle:\n" + problems.map { "  - \($0)" }.joined(separator: "\n") }
}
