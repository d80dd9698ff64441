import Testing
@testable import StewardCore

@Suite("Environment configuration: defaults, optionals and nested structs")
struct ConfigDefaultsOptionalNestedTests {
    fileprivate struct Server: EnvironmentConfig {
        var host: String
        var port: Int
        var timeout: Duration
        var verbose: Bool

        static let configFields = [
            ConfigField("port", help: "Listening port.", default: "8080"),
            ConfigField("timeout", default: "30s"),
            ConfigField("verbose", default: "off"),
        ]
    }

    @Test("absent variables take their documented default")
    func defaultsApply() throws {
        let server = try EnvironmentLoader(prefix: "S", environment: ["S_HOST": "h"]).load(Server.self)
        #expect(server.port == 8080)
        #expect(server.timeout == .seconds(30))
        #expect(server.verbose == false)
    }

    @Test("set variables override defaults")
    func variablesOverrideDefaults() throws {
        let environment = ["S_HOST": "h", "S_PORT": "9000", "S_TIMEOUT": "5m", "S_VERBOSE": "yes"]
        let server = try EnvironmentLoader(prefix: "S", environment: environment).load(Server.self)
        #expect(server.port == 9000)
        #expect(server.timeout == .seconds(300))
        #expect(server.verbose)
    }

    fileprivate struct BadDefault: EnvironmentConfig {
        var port: Int
        static let configFields = [ConfigField("port", default: "eighty")]
    }

    @Test("an invalid default is reported like an invalid value")
    func invalidDefault() {
        #expect(throws: ConfigErrors([ConfigFieldError(
            path: "port", environmentVariable: "B_PORT", kind: .invalid(value: "eighty", expected: "Int"),
            message: "B_PORT (port): \"eighty\" is not a valid Int")])) {
            try EnvironmentLoader(prefix: "B", environment: [:]).load(BadDefault.self)
        }
    }

    fileprivate enum Level: String, Decodable, Sendable { case info, debug }

    fileprivate struct Optionals: EnvironmentConfig {
        var name: String?
        var retries: Int?
        var level: Level?
        var tags: [String]?
        var withDefault: Int?
        static let configFields = [ConfigField("withDefault", default: "3")]
    }

    @Test("optional fields are nil when absent and decoded when present")
    func optionals() throws {
        let empty = try EnvironmentLoader(prefix: "O", environment: [:]).load(Optionals.self)
        #expect(empty.name == nil)
        #expect(empty.retries == nil)
        #expect(empty.level == nil)
        #expect(empty.tags == nil)
        #expect(empty.withDefault == 3)

        let environment = ["O_NAME": "n", "O_RETRIES": "2", "O_LEVEL": "debug", "O_TAGS": "a,b"]
        let full = try EnvironmentLoader(prefix: "O", environment: environment).load(Optionals.self)
        #expect(full.name == "n")
        #expect(full.retries == 2)
        #expect(full.level == .debug)
        #expect(full.tags == ["a", "b"])
    }

    @Test("a present but invalid optional value is still an error")
    func invalidOptional() {
        #expect(throws: ConfigErrors.self) {
            try EnvironmentLoader(prefix: "O", environment: ["O_RETRIES": "many"]).load(Optionals.self)
        }
    }

    fileprivate struct Pool: Decodable, Sendable {
        var maxConns: Int
        var idleTimeout: Duration
    }

    fileprivate struct Database: Decodable, Sendable {
        var url: String
        var pool: Pool
    }

    fileprivate struct App: EnvironmentConfig {
        var database: Database
        var cache: Database?
        static let configFields = [ConfigField("database.pool.idleTimeout", default: "1m")]
    }

    @Test("nested structs add path components to variable names")
    func nested() throws {
        let environment = ["APP_DATABASE_URL": "pg", "APP_DATABASE_POOL_MAX_CONNS": "4"]
        let app = try EnvironmentLoader(prefix: "APP", environment: environment).load(App.self)
        #expect(app.database.url == "pg")
        #expect(app.database.pool.maxConns == 4)
        #expect(app.database.pool.idleTimeout == .seconds(60))
        #expect(app.cache == nil)
    }

    @Test("an optional nested struct is present once any of its variables is set")
    func optionalNestedPresent() throws {
        let environment = [
            "APP_DATABASE_URL": "pg", "APP_DATABASE_POOL_MAX_CONNS": "4",
            "APP_CACHE_URL": "redis", "APP_CACHE_POOL_MAX_CONNS": "2", "APP_CACHE_POOL_IDLE_TIMEOUT": "5s",
        ]
        let app = try EnvironmentLoader(prefix: "APP", environment: environment).load(App.self)
        #expect(app.cache?.url == "redis")
        #expect(app.cache?.pool.idleTimeout == .seconds(5))
    }

    @Test("a partially set optional nested struct reports its missing fields with full paths")
    func optionalNestedPartial() {
        let environment = ["APP_DATABASE_URL": "pg", "APP_DATABASE_POOL_MAX_CONNS": "4", "APP_CACHE_URL": "redis"]
        do {
            _ = try EnvironmentLoader(prefix: "APP", environment: environment).load(App.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.path) == ["cache.pool.maxConns", "cache.pool.idleTimeout"])
            #expect(error.errors.map(\.environmentVariable)
                == ["APP_CACHE_POOL_MAX_CONNS", "APP_CACHE_POOL_IDLE_TIMEOUT"])
            #expect(error.errors.allSatisfy { $0.kind == .missing })
        }
    }
}
