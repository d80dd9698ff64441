import Foundation
import TestSupport
import Testing
@testable import StewardSupervisor
#if canImport(Glibc)
import Glibc
#endif

/// Input that could hang or flood the loader: endless devices, FIFOs, huge files, deep nesting.
/// `steward check` (the real binary, with a deadline) must answer at once with a located error.
@Suite("Config input bounds: no input hangs or floods check", .timeLimit(.minutes(1)))
struct ConfigInputBoundsTests {
    let steward = ChildProgram.buildDirectory + "/steward"

    /// Runs `steward check path`; `nil` exit code when it did not end within `seconds` (then it
    /// was killed).
    func check(_ path: String, seconds: Int64 = 10) async throws -> (code: Int32?, lines: [String]) {
        let program = try ChildProgram([steward, "check", path])
        let status = await program.waitForExit(seconds: seconds)
        return (status?.exitCode, program.lines)
    }

    @Test("an envFile that never ends (/dev/zero) is refused at once, naming the key and the file")
    func endlessEnvFile() async throws {
        let directory = try TemporaryDirectory("config-zero")
        let config = directory.file("steward.json5")
        try #"{ processes: { a: { command: ["true"], envFile: "/dev/zero" } } }"#.write(toFile: config, atomically: true, encoding: .utf8)
        let (code, lines) = try await check(config, seconds: 5)
        #expect(code == 78, "check did not refuse /dev/zero in time: \(lines)")
        #expect(lines == [
            "\(config): 1 problem(s)",
            #"  processes.a.envFile: cannot read "/dev/zero": not a regular file (a character device) (line 1, column 40)"#,
        ])
    }

    @Test("an envFile that is a FIFO is refused at once instead of waiting for a writer")
    func fifoEnvFile() async throws {
        let directory = try TemporaryDirectory("config-fifo")
        let fifo = directory.file("pipe.env")
        #expect(mkfifo(fifo, 0o600) == 0)
        let config = directory.file("steward.json5")
        try #"{ processes: { a: { command: ["true"], envFile: "pipe.env" } } }"#.write(toFile: config, atomically: true, encoding: .utf8)
        let (code, lines) = try await check(config, seconds: 5)
        #expect(code == 78, "check waited on the FIFO: \(lines)")
        #expect(lines.last == "  processes.a.envFile: cannot read \"\(fifo)\": not a regular file (a FIFO) (line 1, column 40)")
    }

    @Test("a config file that is a device or a FIFO is refused at once")
    func specialConfigFile() async throws {
        let zero = try await check("/dev/zero", seconds: 5)
        #expect(zero.code == 78)
        #expect(zero.lines == ["/dev/zero: 1 problem(s)", "  cannot read /dev/zero: not a regular file (a character device)"])
        let directory = try TemporaryDirectory("config-fifo-file")
        let fifo = directory.file("steward.json5")
        #expect(mkfifo(fifo, 0o600) == 0)
        let piped = try await check(fifo, seconds: 5)
        #expect(piped.code == 78)
        #expect(piped.lines.last == "  cannot read \(fifo): not a regular file (a FIFO)")
    }

    @Test("a config over 4 MiB is refused without being parsed, whether read from a file or given as data")
    func tooLarge() throws {
        #expect(SupervisorConfigLoader.maximumBytes == 4 << 20)
        let text = #"{ processes: { a: { command: ["true"] } } } // "# + String(repeating: "x", count: SupervisorConfigLoader.maximumBytes)
        let directory = try TemporaryDirectory("config-large")
        let path = directory.file("steward.json5")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let size = text.utf8.count
        #expect(throws: ConfigIssues([ConfigIssue(path: "", message: "cannot read \(path): larger than 4 MiB (\(size) bytes)")])) {
            try SupervisorConfigLoader.load(path: path)
        }
        #expect(throws: ConfigIssues([ConfigIssue(path: "", message: "steward.json5 is larger than 4 MiB (\(size) bytes)")])) {
            try parseConfig(text)
        }
    }

    @Test("nesting deeper than 64 levels is a located syntax error, however deep it goes; 64 levels are accepted")
    func deepNesting() {
        let arrays = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(problems(in: arrays) == ["syntax error: objects and arrays are nested more than 64 levels deep (line 1, column 65)"])
        let objects = "{ x: " + String(repeating: "{a:", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + " }"
        #expect(problems(in: objects) == ["syntax error: objects and arrays are nested more than 64 levels deep (line 1, column 195)"])
        let deepest = "{ processes: { a: { command: [\"true\"], env: { A: " + String(repeating: "[", count: 60)
            + String(repeating: "]", count: 60) + " } } } }"
        #expect(problems(in: deepest) == ["processes.a.env.A: expected a string, found an array (line 1, column 47)"])
    }

    @Test("a flood of problems is cut to the first 100, and the rest are counted, in memory and on check's output")
    func problemFlood() async throws {
        let text = "{ " + (0..<20_000).map { "k\($0): 1" }.joined(separator: ", ") + " }"
        do {
            let config = try parseConfig(text)
            Issue.record("expected problems, parsed \(config)")
        } catch {
            #expect(ConfigIssues.maximumReported == 100)
            #expect(error.issues.count == 100)
            #expect(error.omitted == 19_900)
            #expect(error.issues.first?.description.hasPrefix("k0: unknown key (expected one of: ") == true)
            #expect(error.description.hasSuffix(")\n… and 19900 more problem(s)"))
        }
        let directory = try TemporaryDirectory("config-flood")
        let path = directory.file("steward.json5")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (code, lines) = try await check(path)
        #expect(code == 78)
        #expect(lines.count == 102)
        #expect(lines.first == "\(path): 20000 problem(s)")
        #expect(lines.last == "  … and 19900 more problem(s)")
    }
}
