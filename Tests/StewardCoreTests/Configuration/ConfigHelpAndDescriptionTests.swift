#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import StewardCore

@Suite("Environment configuration: describe, help and masked descriptions")
struct ConfigHelpAndDescriptionTests {
    fileprivate enum Level: String, Decodable, Sendable, CaseIterable { case debug, info }

    fileprivate struct Database: Decodable, Sendable {
        var url: URL
        var password: String
        var maxConns: Int
    }

    fileprivate struct App: EnvironmentConfig {
        var httpPort: Int
        var timeout: Duration
        var hosts: [String]
        var nickname: String?
        var level: Level
        var database: Database
        var replica: Database?
        var apiToken: String

        static let configFields = [
            ConfigField("httpPort", help: "Port to listen on.", default: "8080"),
            ConfigField("timeout", help: "Request timeout.", default: "30s"),
            ConfigField("level", default: "info"),
            ConfigField("database.url", help: "Database connection URL."),
            ConfigField("database.password", help: "Database password.", secret: true),
            ConfigField("database.maxConns", default: "10"),
            ConfigField("apiToken", default: "dev-token", secret: true),
        ]
    }

    @Test("describe discovers every field with its type, requiredness and documentation")
    func describe() {
        let fields = EnvironmentLoader(prefix: "APP", environment: [:]).describe(App.self)
        #expect(fields.map(\.path) == [
            "httpPort", "timeout", "hosts", "nickname", "level", "database.url", "database.password",
            "database.maxConns", "replica.url", "replica.password", "replica.maxConns", "apiToken",
        ])
        #expect(fields.map(\.typeName) == [
            "Int", "Duration", "[String]", "String?", "Level", "URL", "String", "Int", "URL", "String", "Int", "String",
        ])
        #expect(fields.map(\.isRequired) == [
            false, false, true, false, false, true, true, false, false, false, false, false,
        ])
        #expect(fields[0] == ConfigFieldDescription(
            path: "httpPort", environmentVariable: "APP_HTTP_PORT", typeName: "Int", isRequired: false,
            defaultValue: "8080", isSecret: false, help: "Port to listen on."))
        #expect(fields[7].environmentVariable == "APP_DATABASE_MAX_CONNS")
        #expect(fields[6].isSecret)
        #expect(fields[11].isSecret)
        #expect(fields[11].defaultValue == "******")
    }

    @Test("help lists variables, types, defaults, required and secret markers")
    func help() {
        struct Small: EnvironmentConfig {
            var verbose: Bool
            static let configFields = [ConfigField("verbose", help: "Log more.", default: "false")]
        }
        let text = ConfigHelp.render([
            ConfigHelp.Section(title: "Application", prefix: "APP", type: App.self),
            ConfigHelp.Section(title: "Logging", prefix: "LOG", type: Small.self),
        ])
        #expect(text == """
            Application:
              APP_HTTP_PORT           Int       default: 8080            Port to listen on.
              APP_TIMEOUT             Duration  default: 30s             Request timeout.
              APP_HOSTS               [String]  required
              APP_NICKNAME            String?   optional
              APP_LEVEL               Level     default: info
              APP_DATABASE_URL        URL       required                 Database connection URL.
              APP_DATABASE_PASSWORD   String    required, secret         Database password.
              APP_DATABASE_MAX_CONNS  Int       default: 10
              APP_REPLICA_URL         URL       optional
              APP_REPLICA_PASSWORD    String    optional
              APP_REPLICA_MAX_CONNS   Int       optional
              APP_API_TOKEN           String    default: ******, secret

            Logging:
              LOG_VERBOSE  Bool  default: false  Log more.

            Any variable NAME may instead be read from a file: set NAME_FILE to the file's path.

            """)
        #expect(text.contains("NAME_FILE"))
        #expect(!text.contains("dev-token"))
    }

    @Test("the masked description shows values but hides secrets")
    func masked() throws {
        let environment = [
            "APP_HOSTS": "a, b", "APP_DATABASE_URL": "postgres://db/app", "APP_DATABASE_PASSWORD": "hunter2",
            "APP_TIMEOUT": "90s", "APP_LEVEL": "debug",
        ]
        let loader = EnvironmentLoader(prefix: "APP", environment: environment)
        let app = try loader.load(App.self)
        let text = maskedDescription(of: app, prefix: "APP")
        #expect(text == """
            APP_HTTP_PORT=8080
            APP_TIMEOUT=1m30s
            APP_HOSTS=a,b
            APP_NICKNAME=(unset)
            APP_LEVEL=debug
            APP_DATABASE_URL=postgres://db/app
            APP_DATABASE_PASSWORD=******
            APP_DATABASE_MAX_CONNS=10
            APP_REPLICA_URL=(unset)
            APP_REPLICA_PASSWORD=(unset)
            APP_REPLICA_MAX_CONNS=(unset)
            APP_API_TOKEN=******
            """)
        #expect(loader.maskedDescription(of: app) == text)
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("dev-token"))
    }
}
