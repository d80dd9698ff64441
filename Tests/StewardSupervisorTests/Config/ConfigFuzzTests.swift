import Foundation
import TestSupport
import Testing
@testable import StewardSupervisor

/// Mutations of the shipped demo config, loaded the way `steward check` loads a file
/// (``SupervisorConfigLoader/check(path:environment:)``, in-process): whatever the bytes, loading
/// returns quickly, never crashes, and every problem it reports is located (a key path, or a line
/// and column) and printable on one line.
@Suite("Config fuzzing: mutated demo configs", .timeLimit(.minutes(1)))
struct ConfigFuzzTests {
    /// How many mutated configs are loaded.
    static let mutations = 4_000
    /// The seed: the same mutations every run. A failure names the mutation's number.
    static let seed: UInt64 = 0x5EED_C0F1_6F0F_2026

    /// `Config/demo.json5` of this repository.
    static func demo() throws -> [UInt8] {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return Array(try Data(contentsOf: root.appendingPathComponent("Config/demo.json5")))
    }

    @Test("thousands of mutations of the demo config: each load returns (a hang meets the suite's time limit), and every problem is located and one safe line")
    func mutatedDemo() async throws {
        let original = try Self.demo()
        // The unmutated demo loads: the mutations start from a config that check accepts.
        let directory = try TemporaryDirectory("config-fuzz")
        let demoCopy = directory.file("Config/demo.json5")
        try FileManager.default.createDirectory(atPath: directory.file("Config"), withIntermediateDirectories: true)
        try Data(original).write(to: URL(fileURLWithPath: demoCopy))
        let environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"]

        var random = SeededGenerator(seed: Self.seed)
        var failures = 0
        var slowest: Duration = .zero
        var outcomes = (accepted: 0, refused: 0, syntax: 0)
        let started = ContinuousClock.now
        for number in 0..<Self.mutations {
            // Seconds of loads in a row would hold a thread of the (small) cooperative pool that
            // the other tests' tasks wait for.
            if number % 20 == 0 { await Task.yield() }
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                ConfigMutation.allCases.randomElement(using: &random)!.apply(to: &bytes, using: &random)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: demoCopy))
            let before = ContinuousClock.now
            let result = Result { () throws(ConfigIssues) in try SupervisorConfigLoader.check(path: demoCopy, environment: environment) }
            let took = ContinuousClock.now - before
            slowest = max(slowest, took)
            var problems: [String] = []
            switch result {
            case .success:
                outcomes.accepted += 1
            case .failure(let issues):
                outcomes.refused += 1
                if issues.issues.first?.message.hasPrefix("syntax error") == true { outcomes.syntax += 1 }
                if issues.issues.isEmpty { problems.append("refused with no issue") }
                if issues.issues.count > ConfigIssues.maximumReported { problems.append("\(issues.issues.count) issues kept") }
                for issue in issues.issues where issue.path.isEmpty && issue.line == nil {
                    problems.append("not located: \(issue)")
                }
                for issue in issues.issues where issue.description.unicodeScalars.contains(where: Self.isControl) {
                    problems.append("control character in: \(issue.description.debugDescription)")
                }
            }
            if !problems.isEmpty {
                failures += 1
                let text = String(decoding: bytes, as: UTF8.self)
                Issue.record("mutation \(number) (seed \(Self.seed)): \(problems.joined(separator: "; "))\n\(text.debugDescription.prefix(2_000))")
                if failures >= 10 { break }
            }
        }
        let elapsed = ContinuousClock.now - started
        print("config fuzz: \(Self.mutations) mutations in \(elapsed), slowest load \(slowest); "
              + "\(outcomes.accepted) accepted, \(outcomes.refused) refused (\(outcomes.syntax) syntax errors)")
        // The mutations reach past the syntax: some configs still load, many fail in the walk.
        #expect(outcomes.accepted > 0)
        #expect(outcomes.refused - outcomes.syntax > Self.mutations / 10)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }
}

/// One way to damage a config's bytes.
enum ConfigMutation: CaseIterable {
    case deleteBytes, insertBytes, replaceByte, invalidUTF8, controlCharacters, escapeInString, deepNesting,
         hugeNumber, replaceValue, duplicateLine, swapLines, repeatChunk, truncate

    /// Text that a config's keys and values are made of, and what breaks them.
    static let alphabet = Array(#"{}[]:,"'\/*#-+.0123456789abcdefxyzEINTUL_ $"#.utf8) + [0x09, 0x0A, 0x0D, 0x0B, 0x0C]
    /// Byte sequences that are not UTF-8: a stray byte, an overlong NUL, a lone continuation, a
    /// truncated sequence, an encoded surrogate, a code point past U+10FFFF.
    static let notUTF8: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]]
    /// Control characters raw and as escape sequences: NUL, ESC sequences, BEL, DEL, C1 CSI, NEL.
    static let controls: [[UInt8]] = [[0x00], [0x1B], Array("\u{1B}[2J".utf8), Array("\u{1B}]0;x\u{07}".utf8), [0x07], [0x7F],
                                      [0xC2, 0x9B], [0xC2, 0x85], [0x0D], [0x0A]]
    /// Escapes inside a string: NUL, ESC, a lone surrogate, a pair, an invalid escape.
    static let escapes = [#"\u0000"#, #"\u001b[31m"#, #"\uD800"#, #"\uDC00"#, #"\uD83D\uDE00"#, #"\x00"#, #"\q"#, #"\u12"#, "\\\n"]
    /// Numbers beyond every range.
    static let numbers = ["1e999999", "-1e999999", "123456789012345678901234567890", "0x" + String(repeating: "F", count: 40),
                          "-9223372036854775809", "NaN", "-Infinity", "1e-999999", "00", "0x", "1.e", ".e1"]
    /// Values of every kind, to put where another kind is expected.
    static let values = ["null", "true", "0", "-1", "1.5", #""""#, #""x""#, "[]", "{}", #"["a", 1]"#, #"{ a: 1 }"#, #""10s""#, "'SIGTERM'"]

    func apply<G: RandomNumberGenerator>(to bytes: inout [UInt8], using random: inout G) {
        let position = Int.random(in: 0...bytes.count, using: &random)
        switch self {
        case .deleteBytes:
            let end = min(bytes.count, position + Int.random(in: 1...24, using: &random))
            bytes.removeSubrange(position..<end)
        case .insertBytes:
            let inserted = (0..<Int.random(in: 1...8, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! }
            bytes.insert(contentsOf: inserted, at: position)
        case .replaceByte:
            guard position < bytes.count else { return }
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        case .invalidUTF8:
            bytes.insert(contentsOf: Self.notUTF8.randomElement(using: &random)!, at: position)
        case .controlCharacters:
            bytes.insert(contentsOf: Self.controls.randomElement(using: &random)!, at: position)
        case .escapeInString:
            // Right after an opening quote, so the escape lands inside a key or a string.
            let quotes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\"") }
            let at = quotes.randomElement(using: &random).map { $0 + 1 } ?? position
            bytes.insert(contentsOf: Array(Self.escapes.randomElement(using: &random)!.utf8), at: at)
        case .deepNesting:
            let depth = Int.random(in: 1...200, using: &random)
            let open: [UInt8] = Bool.random(using: &random) ? Array("[".utf8) : Array("{a:".utf8)
            let close: [UInt8] = open.count == 1 ? Array("]".utf8) : Array("}".utf8)
            let value = Array((Self.values.randomElement(using: &random)!).utf8)
            let balanced = Bool.random(using: &random)
            let nested = Array(repeating: open, count: depth).flatMap { $0 } + value
                + (balanced ? Array(repeating: close, count: depth).flatMap { $0 } : [])
            bytes.insert(contentsOf: nested, at: valueStart(in: bytes, using: &random) ?? position)
        case .hugeNumber:
            replaceValue(in: &bytes, with: Self.numbers.randomElement(using: &random)!, using: &random)
        case .replaceValue:
            replaceValue(in: &bytes, with: Self.values.randomElement(using: &random)!, using: &random)
        case .duplicateLine:
            var lines = self.lines(bytes)
            guard let line = lines.indices.randomElement(using: &random) else { return }
            lines.insert(lines[line], at: line)
            bytes = Array(lines.joined(separator: [0x0A]))
        case .swapLines:
            var lines = self.lines(bytes)
            guard lines.count > 1 else { return }
            lines.swapAt(Int.random(in: 0..<lines.count, using: &random), Int.random(in: 0..<lines.count, using: &random))
            bytes = Array(lines.joined(separator: [0x0A]))
        case .repeatChunk:
            let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
            let chunk = bytes[position..<end]
            bytes.insert(contentsOf: Array(repeating: Array(chunk), count: Int.random(in: 2...50, using: &random)).flatMap { $0 }, at: end)
        case .truncate:
            bytes.removeSubrange(position...)
        }
    }

    private func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    }

    /// Where a value starts: just after a `:` and its spaces.
    private func valueStart<G: RandomNumberGenerator>(in bytes: [UInt8], using random: inout G) -> Int? {
        guard let colon = bytes.indices.filter({ bytes[$0] == UInt8(ascii: ":") }).randomElement(using: &random) else { return nil }
        var start = colon + 1
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        return start
    }

    /// Replaces the value after a random `:` (up to the next `,`, `}` or line end) with `text`.
    private func replaceValue<G: RandomNumberGenerator>(in bytes: inout [UInt8], with text: String, using random: inout G) {
        guard let start = valueStart(in: bytes, using: &random) else { return }
        var end = start
        while end < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), 0x0A].contains(bytes[end]) { end += 1 }
        bytes.replaceSubrange(start..<end, with: Array(text.utf8))
    }
}
