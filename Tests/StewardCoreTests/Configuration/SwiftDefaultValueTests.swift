import Foundation
import Testing
@testable import StewardCore

/// Swift default values in a config type: honoured for a `DefaultedEnvironmentConfig`, and a plain
/// `EnvironmentConfig` that relies on one is refused with a message saying why.
@Suite("Environment configuration: Swift default values")
struct SwiftDefaultValueTests {
    enum Mode: String, Decodable, Sendable { case fast, careful }

    fileprivate struct App: DefaultedEnvironmentConfig {
        var greeting = "hello"
        var tickInterval: Duration = .milliseconds(1500)
        var workers = 4
        var ratio = 0.25
        var verbose = false
        var mode = Mode.careful
        var tags = ["a", "b"]
        var endpoint = URL(string: "https://example.com/x")!
        var token: String? = nil  // nil: stays absent
        var database = Database()
        struct Database: Decodable, Sendable {
            var poolSize = 8
            var timeout: Duration = .seconds(5)
        }
        static let configFields = [ConfigField("workers", help: "Worker count.", default: "2")]
    }

    @Test("absent variables take the Swift default values, nested structs' too; configFields' default wins")
    func defaultsHonoured() throws {
        let app = try EnvironmentLoader(prefix: "APP", environment: [:]).load(App.self)
        #expect(app.greeting == "hello")
        #expect(app.tickInterval == .milliseconds(1500))
        #expect(app.workers == 2)
        #expect(app.ratio == 0.25)
        #expect(app.verbose == false)
        #expect(app.mode == .careful)
        #expect(app.tags == ["a", "b"])
        #expect(app.endpoint.absoluteString == "https://example.com/x")
        #expect(app.token == nil)
        #expect(app.database.poolSize == 8)
        #expect(app.database.timeout == .seconds(5))
    }

    @Test("set variables win over the Swift default values")
    func variablesWin() throws {
        let app = try EnvironmentLoader(prefix: "APP", environment: ["APP_TICK_INTERVAL": "2s", "APP_DATABASE_POOL_SIZE": "3",
                                                                     "APP_MODE": "fast"]).load(App.self)
        #expect(app.tickInterval == .seconds(2))
        #expect(app.database.poolSize == 3)
        #expect(app.mode == .fast)
    }

    @Test("--help shows the Swift default values as environment text")
    func helpShowsThem() {
        let fields = EnvironmentLoader(prefix: "APP", environment: [:]).describe(App.self)
        let defaults = Dictionary(uniqueKeysWithValues: fields.map { ($0.environmentVariable, $0.defaultValue) })
        #expect(defaults["APP_TICK_INTERVAL"] == "1.5s")
        #expect(defaults["APP_WORKERS"] == "2")
        #expect(defaults["APP_TAGS"] == "a,b")
        #expect(defaults["APP_MODE"] == "careful")
        #expect(defaults["APP_DATABASE_TIMEOUT"] == "5s")
        #expect(defaults["APP_TOKEN"] == .some(nil))
        #expect(fields.allSatisfy { !$0.isRequired })
    }

    fileprivate struct Plain: EnvironmentConfig {
        var tickInterval: Duration = .seconds(1)
    }

    @Test("a plain EnvironmentConfig relying on a Swift default is refused, and the error says why")
    func plainTypeRefused() {
        #expect {
            _ = try EnvironmentLoader(prefix: "P", environment: [:]).load(Plain.self)
        } throws: { error in
            "\(error)".contains("P_TICK_INTERVAL") && "\(error)".contains("DefaultedEnvironmentConfig")
        }
    }
}
