import StewardCore
import TestSupport
import StewardTesting
import Testing

struct DatabaseSettings: EnvironmentConfig {
    var url: String
    var poolSize: Int
    var password: String
    static let configFields = [
        ConfigField("url", help: "Database URL"),
        ConfigField("poolSize", help: "Connections in the pool", default: "4"),
        ConfigField("password", help: "Database password", secret: true),
    ]
}

struct HTTPSettings: EnvironmentConfig {
    var port: Int
    var readTimeout: Duration
    static let configFields = [ConfigField("port", help: "Listen port"), ConfigField("readTimeout", default: "5s")]
}

extension ServiceKey where Value == DatabaseSettings { static var db: Self { Self("config.db") } }
extension ServiceKey where Value == HTTPSettings { static var http: Self { Self("config.http") } }

@Suite("Configuration in the lifecycle", .timeLimit(.minutes(1)))
struct ConfigLifecycleTests {
    @Test("config errors of every config type are reported together, before any init")
    func allErrorsTogether() async throws {
        var builder = LifecycleBuilder()
        builder.addConfig(DatabaseSettings.self, prefix: "DB", key: .db, environment: ["DB_POOL_SIZE": "many", "DB_PASSWORD": "hunter2"])
        builder.addConfig(HTTPSettings.self, prefix: "HTTP", key: .http, environment: ["HTTP_READ_TIMEOUT": "soon"])
        builder.add(ScriptedInitializer(), name: "first")
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let report = await lifecycle.run()
        let trace = await recorder.finished()
        #expect(report.errors.count == 4)
        #expect(report.errors.allSatisfy { $0.phase == .config })
        let text = report.errors.map(\.description).joined(separator: "\n")
        for name in ["DB_URL", "DB_POOL_SIZE", "HTTP_PORT", "HTTP_READ_TIMEOUT"] { #expect(text.contains(name)) }
        #expect(!text.contains("hunter2"))
        #expect(!trace.contains("first inject started"))
        #expect(report.exitCode == 1)
    }

    @Test("loaded config is in the container for every component; --help lists every field")
    func loadedAndDescribed() async throws {
        let seen = SeenValues()
        var builder = LifecycleBuilder()
        builder.addConfig(DatabaseSettings.self, prefix: "DB", key: .db,
                          environment: ["DB_URL": "postgres://x", "DB_PASSWORD_FILE": "/nonexistent/ignored"].filter { $0.key == "DB_URL" }
                            .merging(["DB_PASSWORD": "s3cret"]) { a, _ in a })
        builder.addInitializer("user") { context in
            let db = try context.services.resolve(.db)
            seen.add("\(db.url) \(db.poolSize)")
        }
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        #expect(await lifecycle.run().isClean)
        #expect(seen.values == ["postgres://x 4"])
        let help = lifecycle.helpText
        for text in ["DB_URL", "DB_POOL_SIZE", "DB_PASSWORD", "Connections in the pool", "4"] { #expect(help.contains(text)) }
        #expect(!help.contains("s3cret"))
    }
}
