import Foundation
import Testing
@testable import StewardSupervisor

/// docs/config-reference.md against the decoder, in both directions: every key the decoder
/// accepts has a row, and every row names a key the decoder accepts. What the decoder accepts is
/// read from its own answer to an unknown key at each level ("expected one of: …"), not from a
/// list kept beside it.
@Suite("Config reference: docs/config-reference.md documents exactly the keys the decoder accepts")
struct ConfigReferenceTests {
    /// The repository's root: four levels above this file (Tests/StewardSupervisorTests/Config/).
    static let root = "/" + #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
    static let referencePath = root + "/docs/config-reference.md"

    /// Each object level: its path in the reference (NAME for names), and a config whose only
    /// problem is an unknown key `bogus` at that level.
    static let levels: [(path: String, config: String)] = [
        ("", #"{ bogus: 1 }"#),
        ("http", #"{ http: { listen: "127.0.0.1:0", bogus: 1 } }"#),
        ("control", #"{ control: { socket: "/tmp/steward-reference.sock", bogus: 1 } }"#),
        ("processes.NAME", #"{ processes: { p: { command: ["true"], bogus: 1 } } }"#),
        ("processes.NAME.ready", #"{ processes: { p: { command: ["true"], ready: { delay: "1s", bogus: 1 } } } }"#),
        ("processes.NAME.ready.notify", #"{ processes: { p: { command: ["true"], ready: { notify: { fd: 3, bogus: 1 } } } } }"#),
        ("processes.NAME.health", #"{ processes: { p: { command: ["true"], health: { exec: ["true"], bogus: 1 } } } }"#),
        ("processes.NAME.restart", #"{ processes: { p: { command: ["true"], restart: { bogus: 1 } } } }"#),
        ("processes.NAME.log", #"{ processes: { p: { command: ["true"], log: { bogus: 1 } } } }"#),
        ("jobs.NAME", #"{ jobs: { j: { command: ["true"], bogus: 1 } } }"#),
        ("jobs.NAME.steps[N]", #"{ jobs: { j: { steps: [{ command: ["true"], bogus: 1 }] } } }"#),
        ("journal", #"{ journal: { bogus: 1 } }"#),
        ("journal.retention", #"{ journal: { retention: { bogus: 1 } } }"#),
    ]

    /// The key paths of the reference's table rows (first column, in backticks).
    static func documentedPaths() throws -> [String] {
        let text = try String(contentsOfFile: referencePath, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            let rest = line.dropFirst(3)
            guard let end = rest.firstIndex(of: "`") else { return nil }
            return String(rest[..<end])
        }
    }

    /// The keys the decoder accepts at the level `config` probes, from its unknown-key message.
    static func acceptedKeys(_ config: String) -> Set<String>? {
        let messages = problems(in: config)
        guard let message = messages.first(where: { $0.contains("unknown key (expected one of: ") }),
              let start = message.range(of: "expected one of: "),
              let end = message[start.upperBound...].firstIndex(of: ")") else { return nil }
        return Set(message[start.upperBound..<end].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    @Test("at every level, the documented keys are the accepted keys")
    func everyLevel() throws {
        let documented = try Self.documentedPaths()
        #expect(documented.count > 50, "the reference's tables were not found at \(Self.referencePath)")
        var byLevel: [String: Set<String>] = [:]
        for path in documented {
            let parts = path.split(separator: ".")
            byLevel[parts.dropLast().joined(separator: "."), default: []].insert(String(parts.last!))
        }
        // `health` is documented with the keys it has; those it shares with `ready` are not repeated.
        for (level, config) in Self.levels {
            let accepted = try #require(Self.acceptedKeys(config), "no unknown-key message for \(level): \(problems(in: config))")
            let mine = byLevel[level] ?? []
            #expect(accepted.subtracting(mine).isEmpty, "accepted at \(level.isEmpty ? "the top" : level) but not documented: \(accepted.subtracting(mine).sorted())")
            #expect(mine.subtracting(accepted).isEmpty, "documented at \(level.isEmpty ? "the top" : level) but refused: \(mine.subtracting(accepted).sorted())")
        }
        let unknownLevels = Set(byLevel.keys).subtracting(Self.levels.map(\.path))
        #expect(unknownLevels.isEmpty, "rows at levels this test does not probe: \(unknownLevels.sorted())")
    }

    @Test("the reference's complete example is a valid config")
    func example() throws {
        let text = try String(contentsOfFile: Self.referencePath, encoding: .utf8)
        let start = try #require(text.range(of: "```json5\n"))
        let end = try #require(text[start.upperBound...].range(of: "```"))
        let config = try parseConfig(String(text[start.upperBound..<end.lowerBound]))
        #expect(config.processes.map(\.name) == ["migrate", "cache", "web"])
        #expect(config.jobs.map(\.name) == ["backup", "report"])
    }
}
