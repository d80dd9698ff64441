#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import CLibPQ

/// Where to find a PostgreSQL server and how to log in: parsed and checked from a connection URL
/// (`postgresql://user@host:5432/db?sslmode=disable`) or a keyword string
/// (`host=/run/postgresql dbname=steward user=steward`), before any connection is tried.
///
/// Every key must be one libpq knows (asked of libpq itself, `PQconndefaults`) or one of
/// steward's two password sources: `password_file` (a file holding the password, trailing line
/// breaks ignored) and `password_env` (the name of an environment variable holding it). At most
/// one of `password`, `password_file`, `password_env` may be given. Errors name the key or the
/// position (1-based, in characters) of what is wrong; the password is never part of a message
/// or of ``description``.
public struct PostgresConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Where the password comes from.
    public enum PasswordSource: Sendable, Hashable {
        /// No password from steward (libpq may still use `PGPASSWORD` or a `.pgpass` file).
        case none
        /// Written in the connection string.
        case literal(String)
        /// Read from this file when connecting.
        case file(String)
        /// Read from this environment variable when connecting.
        case environment(String)
    }

    /// The libpq connection parameters (keyword → value), without the password.
    public private(set) var parameters: [String: String]
    /// Where the password comes from.
    public private(set) var password: PasswordSource

    /// Parses and checks a connection URL (`postgresql://` or `postgres://`) or keyword string.
    /// - Throws: `configuration`, naming the key or position of the first problem.
    public init(parsing text: String) throws(PostgresError) {
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !trimmed.isEmpty else { throw Self.invalid("the connection string is empty") }
        let pairs = if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") {
            try PostgresURLParser.parse(trimmed)
        } else if trimmed.contains("://") {
            throw Self.invalid("the URL scheme must be postgresql:// or postgres://")
        } else {
            try PostgresKeywordParser.parse(trimmed)
        }
        try self.init(pairs: pairs)
    }

    /// Builds a configuration from keyword–value pairs (checked like a parsed string).
    /// - Throws: `configuration`, naming the key.
    public init(pairs: [(key: String, value: String)]) throws(PostgresError) {
        let known = Self.libpqKeywords
        var parameters: [String: String] = [:]
        var sources: [(String, PasswordSource)] = []
        for (key, value) in pairs {
            guard known.contains(key) || key == "password_file" || key == "password_env" else {
                throw Self.invalid("unknown key '\(key)'")
            }
            guard parameters[key] == nil, !sources.contains(where: { $0.0 == key }) else {
                throw Self.invalid("the key '\(key)' is given twice")
            }
            switch key {
            case "password": sources.append((key, .literal(value)))
            case "password_file", "password_env":
                guard !value.isEmpty else { throw Self.invalid("'\(key)' is empty") }
                sources.append((key, key == "password_file" ? .file(value) : .environment(value)))
            case "port":
                for port in value.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let number = Int(port), (1...65_535).contains(number) else {
                        throw Self.invalid("'port' must be a number from 1 to 65535 (got '\(port)')")
                    }
                }
                parameters[key] = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0 else {
                    throw Self.invalid("'connect_timeout' must be a whole number of seconds (got '\(value)')")
                }
                parameters[key] = value
            default: parameters[key] = value
            }
        }
        guard sources.count <= 1 else {
            throw Self.invalid("give only one of 'password', 'password_file', 'password_env' (got \(sources.map { "'\($0.0)'" }.joined(separator: " and ")))")
        }
        self.parameters = parameters
        self.password = sources.first?.1 ?? .none
    }

    /// The parameters to connect with, the password read from its source.
    /// - Throws: `configuration` when the password file cannot be read or is empty, or the
    ///   environment variable is not set.
    public func connectionParameters() throws(PostgresError) -> [(key: String, value: String)] {
        var pairs = parameters.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        switch password {
        case .none: break
        case .literal(let text): pairs.append((key: "password", value: text))
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Self.invalid("'password_file': cannot read \(path)")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw Self.invalid("'password_file': \(path) is empty") }
            pairs.append((key: "password", value: text))
        case .environment(let name):
            guard let value = getenv(name).map({ String(cString: $0) }) else {
                throw Self.invalid("'password_env': the environment variable \(name) is not set")
            }
            pairs.append((key: "password", value: value))
        }
        return pairs
    }

    /// The configuration as a keyword string with the password left out (`password=<hidden>`,
    /// or the name of its file or variable): safe for logs and errors.
    public var description: String {
        var parts = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }
        switch password {
        case .none: break
        case .literal: parts.append("password=<hidden>")
        case .file(let path): parts.append("password_file=\(Self.quoted(path))")
        case .environment(let name): parts.append("password_env=\(Self.quoted(name))")
        }
        return parts.joined(separator: " ")
    }

    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) else { return value }
        return "'" + value.flatMap { $0 == "'" || $0 == "\\" ? ["\\", $0] : [$0] } + "'"
    }

    static func invalid(_ message: String) -> PostgresError {
        PostgresError(.configuration, message: "connection string: " + message)
    }

    /// libpq's connection keywords as of PostgreSQL 12.
    static let knownKeywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "connect_timeout", "client_encoding",
        "options", "application_name", "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode", "requiressl", "sslcompression",
        "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslcrl", "requirepeer", "ssl_min_protocol_version",
        "ssl_max_protocol_version", "krbsrvname", "gsslib", "service", "target_session_attrs", "channel_binding",
    ]

    /// The keywords this libpq accepts (`host`, `port`, `dbname`, `sslmode`, …).
    static let libpqKeywords: Set<String> = {
        var keywords: Set<String> = []
        // Without libpq on this machine (it is loaded only to connect), the keywords every libpq
        // since PostgreSQL 12 knows; connecting then says libpq is missing.
        guard let options = spq_conndefaults() else { return knownKeywords }
        defer { spq_conninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            keywords.insert(String(cString: keyword))
            option += 1
        }
        return keywords
    }()
}
