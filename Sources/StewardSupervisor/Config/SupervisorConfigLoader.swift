#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads and validates a `steward` config file (see ``SupervisorConfig`` for the format).
///
/// Every problem in the file is reported at once, each with its key path and, when known, its
/// line and column: syntax errors, unknown keys, wrong types, invalid values, and checks against
/// the system (the `envFile` exists and parses, the `user` and `group` exist); with
/// ``check(path:environment:)``, also everything `run` needs from the machine.
public enum SupervisorConfigLoader {
    /// The largest config file read or parsed: 4 MiB, hundreds of times any real config. With
    /// the scanner's nesting limit (`JSON5Scanner`) and the cap on reported issues, it bounds
    /// the time and memory any input can cost `steward check`, `run` and each reload. Only
    /// regular files are read, so a device or a FIFO is refused before reading.
    public static let maximumBytes = 4 << 20

    /// Parses config text.
    ///
    /// - Parameters:
    ///   - data: the JSON5 text, UTF-8.
    ///   - source: names the text in messages about the whole file (usually its path).
    ///   - baseDirectory: the directory relative `envFile`, `cwd`, `log.file` and `control.socket`
    ///     paths are resolved against (the config file's directory).
    /// - Throws: ``ConfigIssues`` listing every problem, sorted by path.
    public static func parse(_ data: Data, source: String, baseDirectory: String) throws(ConfigIssues) -> SupervisorConfig {
        try parse(data, source: source, baseDirectory: baseDirectory, preflight: nil)
    }

    /// Parses config text, then lets `preflight` add the problems it finds in the result (even a
    /// partial one: the walk goes on past problems), so that all are reported together.
    private static func parse(_ data: Data, source: String, baseDirectory: String,
                              preflight: ((SupervisorConfig, ConfigDecodingSession) -> Void)?) throws(ConfigIssues) -> SupervisorConfig {
        guard data.count <= maximumBytes else {
            throw ConfigIssues([ConfigIssue(path: "", message: "\(source) is larger than \(ConfigFileReading.sizeText(maximumBytes)) (\(data.count) bytes)")])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let position = UTF8Validation.firstInvalidByte(in: Array(data))
            throw ConfigIssues([ConfigIssue(path: "", message: "\(source) is not valid UTF-8 text" + (position.map { " (byte \($0.byteText))" } ?? ""),
                                            line: position?.line, column: position?.column)])
        }
        let sourceMap = JSON5SourceMap(text: text)
        if let error = sourceMap.syntaxError {
            throw ConfigIssues([ConfigIssue(path: "", message: "syntax error: \(error.reason)",
                                            line: error.position.line, column: error.position.column)])
        }
        let session = ConfigDecodingSession(sourceMap: sourceMap, baseDirectory: baseDirectory)
        for duplicate in sourceMap.duplicateKeys {
            let first = duplicate.firstPosition
            session.report("duplicate key (first defined at line \(first.line), column \(first.column))",
                           at: duplicate.path, position: duplicate.position)
        }
        let config = SupervisorConfig.decode(ConfigNode(value: sourceMap.value, path: .root, session: session))
        preflight?(config, session)
        guard session.issues.isEmpty else { throw session.reported }
        return config
    }

    /// Reads and parses the config file at `path`; relative paths inside it are resolved against
    /// the file's directory (made absolute).
    /// - Throws: ``ConfigIssues``; an unreadable file is one issue with an empty path.
    public static func load(path: String) throws(ConfigIssues) -> SupervisorConfig {
        try load(path: path, preflight: nil)
    }

    /// What `steward check` does: reads and parses the config file at `path` as
    /// ``load(path:)`` does, then checks against this machine everything `steward run` needs
    /// before it starts anything (programs, working directories, log files, cron schedules that
    /// fire, the journal; see `SupervisorPreflight`), creating and changing nothing.
    /// - Parameter environment: steward's environment (the children's `PATH`, `STEWARD_JOURNAL`).
    /// - Throws: ``ConfigIssues`` with every problem of the file and of the machine, together.
    public static func check(path: String, environment: [String: String]) throws(ConfigIssues) -> SupervisorConfig {
        let now = Date()
        return try load(path: path) { config, session in
            SupervisorPreflight.check(config, environment: environment, uid: getuid(), now: now, session: session)
        }
    }

    private static func load(path: String, preflight: ((SupervisorConfig, ConfigDecodingSession) -> Void)?) throws(ConfigIssues) -> SupervisorConfig {
        let bytes: [UInt8]
        do {
            bytes = try ConfigFiles.read(path, limit: maximumBytes)
        } catch {
            throw ConfigIssues([ConfigIssue(path: "", message: "cannot read \(path): \(error.message)")])
        }
        let absolute = ConfigFiles.resolve(path, against: ConfigFiles.currentDirectory())
        return try parse(Data(bytes), source: path, baseDirectory: ConfigFiles.directory(of: absolute), preflight: preflight)
    }
}
