import Foundation
import Testing
@testable import StewardSupervisor

/// A scratch directory for config files and the files they refer to; removed by `remove()`.
struct ConfigScratchDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("steward-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// Writes `text` to `name` inside the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Parses `text` as a config file living in `baseDirectory`.
func parseConfig(_ text: String, baseDirectory: String = "/srv/app") throws(ConfigIssues) -> SupervisorConfig {
    try SupervisorConfigLoader.parse(Data(text.utf8), source: "steward.json5", baseDirectory: baseDirectory)
}

/// The descriptions of the issues `text` has; records a test failure if it parses.
func problems(in text: String, baseDirectory: String = "/srv/app",
              sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    issues(in: text, baseDirectory: baseDirectory, sourceLocation: sourceLocation).map(\.description)
}

/// The issues `text` has; records a test failure if it parses.
func issues(in text: String, baseDirectory: String = "/srv/app",
            sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigIssue] {
    do {
        let config = try parseConfig(text, baseDirectory: baseDirectory)
        Issue.record("expected problems, parsed \(config)", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.issues
    }
}

/// `text` wrapped as the only process, `web`, with a valid command, on one line:
/// `{ processes: { web: { command: ["./web"], <text> } } }`. The text starts at column 43.
func webProcess(_ text: String) -> String {
    "{ processes: { web: { command: [\"./web\"], \(text) } } }"
}
