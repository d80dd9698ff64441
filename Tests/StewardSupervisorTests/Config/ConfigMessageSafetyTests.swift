import Foundation
import TestSupport
import Testing
@testable import StewardSupervisor
#if canImport(Glibc)
import Glibc
#endif

/// Every rejection names its key path and, where there is text, its line and column; nothing
/// from the config reaches a message unescaped.
@Suite("Config messages: located, and safe to print", .timeLimit(.minutes(1)))
struct ConfigMessageSafetyTests {
    static let topKeys = "control, http, jobs, journal, processes, shutdownTimeout, zone"

    /// Whether `text` holds a C0 control, DEL or a C1 control.
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }
    }

    @Test("text that is not UTF-8 is reported at the line and column of its first bad byte")
    func invalidUTF8() {
        let bytes = Array("{\n  a: 'é".utf8) + [0xFF] + Array("' }".utf8)
        #expect(throws: ConfigIssues([ConfigIssue(path: "", message: "steward.json5 is not valid UTF-8 text (byte 0xFF)", line: 2, column: 8)])) {
            try SupervisorConfigLoader.parse(Data(bytes), source: "steward.json5", baseDirectory: "/")
        }
        let truncated = Array("{ processes: {} }\r\n// ok\r\n/* ".utf8) + [0xE2, 0x82] + Array(" */".utf8)
        #expect(throws: ConfigIssues([ConfigIssue(path: "", message: "steward.json5 is not valid UTF-8 text (byte 0xE2)", line: 3, column: 4)])) {
            try SupervisorConfigLoader.parse(Data(truncated), source: "steward.json5", baseDirectory: "/")
        }
    }

    @Test("keys and strings with NUL characters, surrogate escapes and huge numbers get messages with their key path")
    func valuesTheDecoderRefused() {
        #expect(problems(in: #"{ "\u0000": 1 }"#) == [#"\u{00}: unknown key (expected one of: \#(Self.topKeys)) (line 1, column 3)"#])
        #expect(problems(in: #"{ processes: { "a\u0000": { command: ["x"] } } }"#) == [
            #"processes.a\u{00}: invalid process name (use letters, digits, "_", "." and "-") (line 1, column 16)"#,
        ])
        #expect(problems(in: webProcess(#"env: { "\x00": "x", A: "b\u0000" }"#)) == [
            #"processes.web.env.\u{00}: invalid variable name (it must be non-empty and contain no "=" and no NUL character) (line 1, column 50)"#,
            #"processes.web.env.A: must not contain a NUL character (line 1, column 63)"#,
        ])
        #expect(problems(in: webProcess(#"stopSignal: "\uD83D\uDE00""#)) == [
            #"processes.web.stopSignal: unknown signal "😀" (expected a name such as "SIGTERM" or "INT") (line 1, column 43)"#,
        ])
        #expect(problems(in: webProcess(#"stopSignal: "\uD800x""#)) == [
            #"syntax error: invalid \u escape: \uD800 is half of a surrogate pair, without its other half (line 1, column 56)"#,
        ])
        #expect(problems(in: webProcess("priority: 1e400, stopTimeout: 0x1FFFFFFFFFFFFFFFF")) == [
            "processes.web.priority: expected an integer, found a number (inf) (line 1, column 43)",
            #"processes.web.stopTimeout: expected a duration string such as "10s", found a number (3.6893488147419103e+19); write "3.6893488147419103e+19s" (line 1, column 60)"#,
        ])
    }

    @Test("control characters from keys, values and paths are escaped in every message", arguments: [
        (#"{ "\u001b[2J\nforged: ok": 1 }"#, #"\u{1B}[2J\nforged: ok: unknown key (expected one of: \#(topKeys)) (line 1, column 3)"#),
        ("{ \"a\u{7F}\u{9B}\": 1 }", #"a\u{7F}\u{9B}: unknown key (expected one of: \#(topKeys)) (line 1, column 3)"#),
        (webProcess("stopSignal: \"\u{9B}31mX\""),
         #"processes.web.stopSignal: unknown signal "\u{9B}31mX" (expected a name such as "SIGTERM" or "INT") (line 1, column 43)"#),
        (webProcess(#"envFile: "\u001b]0;x\u0007.env""#),
         #"processes.web.envFile: file not found ("/srv/app/\u{1B}]0;x\u{07}.env") (line 1, column 43)"#),
        (#"{ processes: { "\u001b[1A": {} } }"#,
         #"processes.\u{1B}[1A: invalid process name (use letters, digits, "_", "." and "-") (line 1, column 16)"#),
        ("{\u{1B}[2J }", #"syntax error: expected a key or "}", found "\u{1B}" (line 1, column 2)"#),
    ])
    func escaped(text: String, expected: String) {
        let found = problems(in: text)
        #expect(found.contains(expected), "\(found)")
        #expect(!found.contains(where: Self.hasControlCharacters), "\(found)")
    }

    @Test("a problem at the top level is located at the value")
    func topLevel() {
        #expect(problems(in: "\n  [1, 2]") == ["expected an object, found an array (line 2, column 3)"])
    }

    @Test("steward check prints one line per problem however the config tries to break lines, and escapes its ok summary")
    func checkOutput() async throws {
        let directory = try TemporaryDirectory("config-escape")
        let steward = ChildProgram.buildDirectory + "/steward"
        let bad = directory.file("bad.json5")
        try #"{ "x\nsteward.json5: ok (0 process(es))\u001b[2K": 1 }"#.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try ChildProgram([steward, "check", bad])
        #expect(await refused.waitForExit()?.exitCode == 78)
        #expect(refused.lines == [
            "\(bad): 1 problem(s)",
            #"  x\nsteward.json5: ok (0 process(es))\u{1B}[2K: unknown key (expected one of: \#(Self.topKeys)) (line 1, column 3)"#,
        ])
        let good = directory.file("good.json5")
        try #"{ journal: { path: "/tmp/j\u001b[2J.sqlite" }, jobs: { b: { command: ["true"] } } }"#.write(toFile: good, atomically: true, encoding: .utf8)
        let accepted = try ChildProgram([steward, "check", good], environment: ["PATH": "/usr/bin:/bin"])
        #expect(await accepted.waitForExit()?.exitCode == 0)
        #expect(accepted.lines == [#"\#(good): ok (0 process(es), 1 job(s), journal /tmp/j\u{1B}[2J.sqlite)"#])
    }
}
