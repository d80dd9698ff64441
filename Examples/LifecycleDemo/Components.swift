import StewardCore
import Synchronization

/// The demo's configuration, from DEMO_* variables or `--config FILE`.
struct DemoConfig: EnvironmentConfig {
    var greeting: String
    var tickInterval: Duration
    var databaseURL: String
    var databasePassword: String
    var slowStop: Bool

    static let configFields = [
        ConfigField("greeting", help: "What the web process says when it is ready", default: "hello"),
        ConfigField("tickInterval", help: "How often the worker does a unit of work", default: "1s"),
        ConfigField("databaseURL", help: "Where the (fake) database lives", default: "memory://demo"),
        ConfigField("databasePassword", help: "The (fake) database password", secret: true),
        ConfigField("slowStop", help: "Make web ignore stop, to see a shutdown timeout (exit 143)", default: "false"),
    ]
}

extension ServiceKey where Value == DemoConfig { static var config: Self { Self("demo.config") } }
extension ServiceKey where Value == FakeDatabase { static var database: Self { Self("demo.database") } }

/// Logs the loaded configuration with secrets masked.
struct ConfigAnnouncer: Initializer {
    func initialize(_ context: LifecycleContext) async throws {
        let config = try context.services.resolve(.config)
        context.logger.info("configuration loaded:\n" + maskedDescription(of: config, prefix: "DEMO"))
    }
}

/// A pretend connection pool: "connects" in init, registers itself, "disconnects" in finalize.
final class FakeDatabase: Initializer {
    private let connected = Mutex(false)

    var isConnected: Bool { connected.withLock { $0 } }

    func initialize(_ context: LifecycleContext) async throws {
        let config = try context.services.resolve(.config)
        try await Task.sleep(for: .milliseconds(200))
        connected.withLock { $0 = true }
        context.sharedServices.set(.database, self)
        context.logger.info("connected to \(config.databaseURL)")
    }

    func finalize(_ context: LifecycleContext) async throws {
        try await Task.sleep(for: .milliseconds(100))
        connected.withLock { $0 = false }
        context.logger.info("disconnected")
    }
}

/// Does a unit of work every tick; healthy after the first one.
struct Worker: Runnable {
    func run(_ context: LifecycleContext) async throws {
        let config = try context.services.resolve(.config)
        var ticks = 0
        while await context.sleep(for: config.tickInterval) {
            ticks += 1
            if ticks == 1 { try context.setHealth("worker", healthy: true) }
            context.logger.debug("tick", metadata: ["ticks": "\(ticks)"])
        }
        context.logger.info("worker done", metadata: ["ticks": "\(ticks)"])
    }
}

/// Pretends to serve HTTP: needs the database, becomes healthy after a short warm-up.
struct WebServer: Runnable {
    func run(_ context: LifecycleContext) async throws {
        let config = try context.services.resolve(.config)
        try await Task.sleep(for: .milliseconds(300))
        try context.setHealth("web", healthy: true)
        context.logger.info("\(config.greeting): serving (send SIGTERM or press Ctrl-C to stop)")
        if config.slowStop {
            // Ignore the stop request; only cancellation ends this run.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        } else {
            await context.untilStopRequested()
        }
        context.logger.info("stopped serving")
    }
}
