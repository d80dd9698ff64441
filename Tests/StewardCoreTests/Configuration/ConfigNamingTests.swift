#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import StewardCore

@Suite("Environment configuration: variable names")
struct ConfigNamingTests {
    @Test("camelCase components become UPPER_SNAKE_CASE", arguments: [
        ("port", "PORT"),
        ("httpPort", "HTTP_PORT"),
        ("databaseURL", "DATABASE_URL"),
        ("maxConns", "MAX_CONNS"),
        ("URLPath", "URL_PATH"),
        ("s3Bucket", "S3_BUCKET"),
        ("oauth2ClientID", "OAUTH2_CLIENT_ID"),
        ("max_conns", "MAX_CONNS"),
        ("already-kebab", "ALREADY_KEBAB"),
    ])
    func upperSnakeCase(component: String, expected: String) {
        #expect(EnvironmentVariableNaming.upperSnakeCase(component) == expected)
    }

    @Test("prefix and path components are joined by underscores")
    func variableNames() {
        let loader = EnvironmentLoader(prefix: "APP", environment: [:])
        #expect(loader.variableName(forPath: "databaseURL") == "APP_DATABASE_URL")
        #expect(loader.variableName(forPath: "db.maxConns") == "APP_DB_MAX_CONNS")
        #expect(loader.variableName(forPath: "httpPort") == "APP_HTTP_PORT")
        #expect(EnvironmentLoader(prefix: "", environment: [:]).variableName(forPath: "httpPort") == "HTTP_PORT")
        #expect(EnvironmentLoader(prefix: "APP_", environment: [:]).variableName(forPath: "port") == "APP_PORT")
    }

    fileprivate struct Database: Decodable, Sendable {
        var maxConns: Int
    }

    fileprivate struct Settings: EnvironmentConfig {
        var databaseURL: URL
        var httpPort: Int
        var db: Database
    }

    @Test("loading reads the mapped variable names, including nested paths")
    func loadsMappedNames() throws {
        let environment = [
            "APP_DATABASE_URL": "postgres://db.internal/app",
            "APP_HTTP_PORT": "8080",
            "APP_DB_MAX_CONNS": "12",
        ]
        let settings = try EnvironmentLoader(prefix: "APP", environment: environment).load(Settings.self)
        #expect(settings.databaseURL.absoluteString == "postgres://db.internal/app")
        #expect(settings.httpPort == 8080)
        #expect(settings.db.maxConns == 12)
    }

    @Test("an empty prefix reads unprefixed variables")
    func emptyPrefix() throws {
        let environment = ["DATABASE_URL": "https://x.example", "HTTP_PORT": "1", "DB_MAX_CONNS": "2"]
        let settings = try EnvironmentLoader(prefix: "", environment: environment).load(Settings.self)
        #expect(settings.httpPort == 1)
        #expect(settings.db.maxConns == 2)
    }

    fileprivate struct CustomKeys: EnvironmentConfig {
        var url: String
        enum CodingKeys: String, CodingKey { case url = "upstream_url" }
    }

    @Test("custom coding keys name the variable")
    func customCodingKeys() throws {
        let config = try EnvironmentLoader(prefix: "X", environment: ["X_UPSTREAM_URL": "u"]).load(CustomKeys.self)
        #expect(config.url == "u")
    }

    @Test("type names are rendered compactly")
    func typeNames() {
        #expect(EnvironmentTypeNaming.displayName(of: [String].self) == "[String]")
        #expect(EnvironmentTypeNaming.displayName(of: Int?.self) == "Int?")
        #expect(EnvironmentTypeNaming.displayName(of: [String: [Int]].self) == "[String: [Int]]")
        #expect(EnvironmentTypeNaming.displayName(of: Duration.self) == "Duration")
    }
}
