#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A built application: its components, services and health, ready to ``run()`` once.
///
/// ```swift
/// var builder = LifecycleBuilder()
/// builder.addConfig(AppConfig.self, prefix: "APP", key: .appConfig)
/// builder.add(Database(), name: "db", options: .init(priority: 0))
/// builder.add(WebServer(), name: "web", options: .init(priority: 1, healthKeys: ["web"]))
/// let lifecycle = try builder.build()
/// let report = await lifecycle.run()
/// exit(report.exitCode)
/// ```
public final class Lifecycle: Sendable {
    let engine: Engine
    let helpSections: [ConfigHelp.Section]

    init(engine: Engine, helpSections: [ConfigHelp.Section]) {
        self.engine = engine
        self.helpSections = helpSections
    }

    /// The application's single health registry.
    public var health: HealthRegistry { engine.health }

    /// The root service container.
    public var services: ServiceContainer { engine.services }

    /// A stream of every lifecycle event from now on; it finishes when ``run()`` returns.
    /// Default buffering keeps every event (a slow consumer costs memory, never events).
    public func events(bufferingPolicy: AsyncStream<LifecycleEvent>.Continuation.BufferingPolicy = .unbounded)
        -> AsyncStream<LifecycleEvent> {
        engine.bus.subscribe(bufferingPolicy: bufferingPolicy)
    }

    /// Runs startup, supervision and unwind; returns when the unwind is done or the shutdown
    /// deadline passed. May be called once; a second call returns a failed report at once.
    public func run() async -> LifecycleReport { await engine.run() }

    /// Asks for a graceful shutdown, as the first SIGTERM would. A no-op once shutdown began.
    public func requestShutdown() { engine.requestShutdown(.request) }

    /// Acts on shutdown signal `number` exactly as the runner's own handler does — the first asks
    /// for a graceful shutdown (cause: that signal), the second forces it, the third exits the
    /// process at once with 128 + n (unless the policy does not escalate) — for a program that
    /// keeps its signals caught itself, before and after ``run()`` (build the lifecycle with
    /// ``SignalPolicy/disabled`` then). A signal handed over before ``run()`` makes it unwind at
    /// once, starting nothing.
    public func handleSignal(_ number: Int32) {
        let count = engine.state.withLock { s in
            s.signalCount += 1
            return s.signalCount
        }
        engine.handleSignal(number, count: count, escalates: engine.options.signals.escalates)
    }

    /// Whether ``run()`` has finished (its report is made): a signal from now on is the caller's
    /// to handle.
    public var isFinished: Bool { engine.reported.isFired }

    /// Forces the shutdown, as a second SIGTERM would: every task is cancelled and stop/shutdown
    /// waits end at once (finalizers still run within their timeouts).
    public func forceShutdown() { engine.force() }

    /// Adds a component while the application runs: inject, init, run and wait for its health
    /// keys, bounded by its own timeouts. On failure it is stopped and finalized again, the error
    /// is reported, and the application keeps running.
    /// - Throws: ``LifecycleChangeError`` (not running yet or any more, duplicate name or health
    ///   key, or the component failed to start).
    public func add(_ component: some Initializer, name: String, options: ComponentOptions = .init()) async throws(LifecycleChangeError) {
        try await engine.add(name: name, component: component, options: options)
    }

    /// Removes a component while the application runs: stop, wait for `run`, finalize, as its
    /// group would in the unwind. Its health keys leave the registry.
    /// - Throws: ``LifecycleChangeError`` if shutting down or if no component has that name.
    public func remove(_ name: String) async throws(LifecycleChangeError) {
        try await engine.remove(name: name)
    }

    /// Runs a batch of ``add(_:name:options:)`` and ``remove(_:)`` calls as one change: the
    /// moment between removing the last runnable and adding its replacement does not end the
    /// application. If no runnable is left when the batch ends, the application completes.
    public func reconfigure<Result: Sendable>(_ body: @Sendable () async throws -> Result) async rethrows -> Result {
        try await engine.reconfigure(body)
    }

    /// Whether shutdown has begun.
    public var isShuttingDown: Bool { engine.isShuttingDown }

    /// The health key the runner keeps for the application itself (healthy once started,
    /// unhealthy from the moment shutdown begins); `nil` if the options turned it off.
    public var readinessKey: HealthKey? { engine.options.readinessKey }

    /// Whether startup completed: every group initialized, running and healthy (stays `true`
    /// during the shutdown; see ``isShuttingDown``).
    public var isStarted: Bool { engine.state.withLock { $0.startupComplete } }

    /// A snapshot of every component, in registration order.
    public var components: [ComponentSnapshot] { engine.runtimes.map { $0.snapshot() } }

    /// The `--help` text: every config field of every registered config type.
    public var helpText: String { ConfigHelp.render(helpSections) }

    /// The whole of an application's `main`. The command line is checked first: any argument
    /// other than `--help` or `-h` is an error — `<program>: unknown argument "X"` on stderr, exit
    /// 64 (`EX_USAGE`), nothing started — so a mistyped flag is never silently ignored (the
    /// configuration comes from the environment; a program with arguments of its own passes only
    /// the ones it does not handle). Then `--help` or `-h` prints ``helpText`` and exits 0;
    /// otherwise it runs, writes the report to stderr if it is not clean, and exits with the
    /// report's exit code (see ``LifecycleReport``).
    public func runMain(arguments: [String] = CommandLine.arguments) async -> Never {
        if let unknown = Self.unknownArgument(in: arguments) {
            let program = arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "app"
            OutputQueue.standardError.enqueue(Array("\(program): unknown argument \"\(unknown)\" (usage: \(program) [--help])\n".utf8))
            exit(Self.usageExitCode)
        }
        if arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
            print(helpText)
            exit(0)
        }
        let report = await run()
        if !report.isClean {
            // The full report, readable, on stderr: one line per error.
            OutputQueue.standardError.enqueue(Array("\(report)\n".utf8))
        }
        // Log lines still queued get a bounded chance at exit (the output queue's atexit flush):
        // an output that stopped draining must not keep the process from ending.
        exit(report.exitCode)
    }

    /// The exit code of ``runMain(arguments:)`` for an unknown argument: 64 (`EX_USAGE`).
    public static let usageExitCode: Int32 = 64

    /// The first argument after the program's name that ``runMain(arguments:)`` does not know.
    static func unknownArgument(in arguments: [String]) -> String? {
        arguments.dropFirst().first { $0 != "--help" && $0 != "-h" }
    }
}
