import Foundation
import Testing
@testable import StewardSupervisor

@Suite("Config file syntax: JSON5")
struct ConfigSyntaxTests {
    @Test("comments, trailing commas, unquoted keys, single quotes, quoted keys")
    func json5Features() throws {
        let config = try parseConfig("""
        // steward config
        {
          /* block
             comment */
          shutdownTimeout: '45s',   // single quotes
          "http": { 'listen': ':9100', },
          processes: {
            'web-1': { command: ['./web', "--flag=\\"x\\"",], priority: 0x2, },
          },
        }
        """)
        #expect(config.shutdownTimeout == .seconds(45))
        #expect(config.http == HTTPEndpoint(port: 9100))
        #expect(config.processes == [ProcessConfig(name: "web-1", command: ["./web", "--flag=\"x\""], priority: 2)])
    }

    @Test("a syntax error carries its line and column", arguments: [
        ("{\n  a: 1\n  b: 2\n}", #"syntax error: expected "," or "}" after the value of "a", found "b" (line 3, column 3)"#),
        ("{\n  processes: {\n    web: { command: [\"x\",, ] },\n  },\n}", #"syntax error: expected a value, found "," (line 3, column 26)"#),
        ("{\n  http: { listen: \"127.0.0.1:9100 },\n}", "syntax error: unterminated string (a line break inside a string must be written \\n) (line 2, column 19)"),
        ("{\n  restart: { policy: always },\n}", #"syntax error: unexpected always (text values must be quoted: "always") (line 2, column 22)"#),
        ("{ a: 1 /* open", "syntax error: unterminated /* comment (line 1, column 8)"),
        ("{ a: 01 }", #"syntax error: invalid value "01" (line 1, column 6)"#),
        ("{ a: 'x\\q' }", #"syntax error: invalid escape \q inside a string (line 1, column 8)"#),
        ("{ a: 1 } }", #"syntax error: unexpected "}" after the end of the top-level value (line 1, column 10)"#),
        ("{ 1: 2 }", #"syntax error: expected a key or "}", found "1" (line 1, column 3)"#),
        ("{ a 1 }", #"syntax error: expected ":" after the key "a", found "1" (line 1, column 5)"#),
        ("{ a: [1 2] }", #"syntax error: expected "," or "]" after an array element, found "2" (line 1, column 9)"#),
        ("// nothing\n", "syntax error: the file is empty (expected an object) (line 2, column 1)"),
        ("{ a: 1,", "syntax error: expected a key or \"}\", found the end of the file (line 1, column 8)"),
    ])
    func syntaxErrors(text: String, expected: String) {
        let found = issues(in: text)
        #expect(found.map(\.description) == [expected])
        #expect(found.first?.path == "")
    }

    @Test("the scanner accepts exactly what Foundation's JSON5 decoder accepts, with the same values", arguments: [
        "[01]", "[+Infinity]", "[-NaN]", "[0X1F]", "[1.]", "[.5]", "[5.e3]", "['\\x41']", "['a\\\nb']", "{$a_1: 1}",
        "{ü: 1}", "{1: 2}", "['\t']", "[1] // c", "\u{FEFF}[1]", "{}", "{,}", "[,]", "[1,,2]", "[1,,]", "{true: 1}",
        "[tru]", "['\\q']", "[\"\\u00e9\"]", "{a:1,}", "{'a':1}", "[1]\n/* x */", "[1] /* x", "[-0x10]", "[1e]", "[-]",
        "{a\\u0062: 1}", "{a-b: 1}", "[\"a\nb\"]", "[0.]", "[00]", "[-.5]", "{a:1 b:2}", " ", "[1]]", "[1 2]", "{a::1}",
        "[undefined]", "['\\/']", "['\\v']", "['\\0']", "['a\\\r\nb']", "[1,\u{0B}2]", "[1,\r2]", "['\\b']", "['\\u12']",
        "['\\x4']", "{_: 1}", "{\u{00E9}t\u{00E9}: 1}", "[1E+5]", "[0x]", "[+.5]", "[.]", "[truex]", "[nulls]",
        "/* a */ {} // b", "{a:1}/", "{a: 'x\u{01}'}", "[[1,],]", "[1,/*c*/]", "{a//c\n:1}", "{a/*c*/:1}", "[1e5]",
        "[1.0, 1.5e1, -0, -0.0, 1e18, 1e19, 9223372036854775807, 9223372036854775808, -9223372036854775808, 0x7FFFFFFFFFFFFFFF]",
        "[0.1, .25, 5., -5.e-1, +7, 1E-2, 123456789012345678901234567890, -0x10, 0Xff, Infinity, -Infinity]",
        "{'\\uD83D\\uDE00': \"\\uD83D\\uDE00\", \"\\u00e9\\x41\\'\\\"\\b\\f\\n\\r\\t\": 1}", "['\\uD800']", "['\\uDC00']", "['\\uD800\\u0041']",
    ])
    func scannerAgreesWithDecoder(text: String) {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let decoded = try? decoder.decode(FoundationJSON.self, from: Data(text.utf8)).value
        let scanned = JSON5SourceMap(text: text)
        #expect((decoded != nil) == (scanned.syntaxError == nil),
                "decoder \(decoded != nil ? "accepts" : "rejects"), scanner \(scanned.syntaxError == nil ? "accepts" : "rejects") \(text.debugDescription)")
        if let decoded, scanned.syntaxError == nil {
            #expect(Self.same(scanned.value, decoded), "scanned \(scanned.value), decoded \(decoded) from \(text.debugDescription)")
        }
    }

    /// `==`, except that NaN equals NaN (of the same sign).
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)) where x.isNaN && y.isNaN: x.sign == y.sign
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)): x.keys == y.keys && x.allSatisfy { key, value in same(value, y[key]!) }
        default: a == b
        }
    }

    @Test("the scanner reads values: integers and other numbers, strings, nesting; the first of a repeated key")
    func values() throws {
        let text = """
        { a: [1, 1.5, 0x10, -Infinity, true, null, 'x', [{ "1": 2, b: [[]] }]],
          "7": { "0": 'zero', c: false }, d: 1e3, a: 'duplicate, ignored' }
        """
        let map = JSON5SourceMap(text: text)
        #expect(map.syntaxError == nil)
        #expect(map.value == .object([
            "a": .array([.integer(1), .number(1.5), .integer(16), .number(-.infinity), .bool(true), .null, .string("x"),
                         .array([.object(["1": .integer(2), "b": .array([.array([])])])])]),
            "7": .object(["0": .string("zero"), "c": .bool(false)]),
            "d": .integer(1000),
        ]))
        #expect(map.root?.child(.key("a"))?.child(.index(7))?.child(.index(0))?.child(.key("b"))?.kind == .array)
        #expect(map.duplicateKeys == [.init(path: ConfigPath.root.appending("a"), position: SourcePosition(line: 2, column: 43),
                                            firstPosition: SourcePosition(line: 1, column: 3))])
    }

    @Test("the source map finds keys and array elements by path, and falls back to the closest ancestor")
    func sourceMap() {
        let map = JSON5SourceMap(text: """
        {
          processes: {
            "api.v2": { command: ["a",
                                  "b"] },
          },
        }
        """)
        let api = ConfigPath.root.appending("processes").appending("api.v2")
        #expect(map.position(of: api) == SourcePosition(line: 3, column: 5))
        #expect(map.position(of: api.appending("command").appending(index: 1)) == SourcePosition(line: 4, column: 27))
        #expect(map.root?.child(.key("processes"))?.child(.key("api.v2"))?.child(.key("command"))?.kind == .array)
        #expect(map.position(of: api.appending("ready").appending("tcp")) == SourcePosition(line: 3, column: 5))
        #expect(map.position(of: .root) == SourcePosition(line: 1, column: 1))
        #expect(api.appending("command").appending(index: 1).description == "processes.api.v2.command[1]")
    }

    @Test("text that is not UTF-8 is one issue")
    func notUTF8() {
        #expect(throws: ConfigIssues([ConfigIssue(path: "", message: "steward.json5 is not valid UTF-8 text (byte 0xFF)", line: 1, column: 2)])) {
            try SupervisorConfigLoader.parse(Data([0x7B, 0xFF, 0x7D]), source: "steward.json5", baseDirectory: "/")
        }
    }
}

/// A JSON5 value as Foundation's `JSONDecoder` reads it (trying each kind in turn), to hold the
/// scanner's dialect and values to Foundation's.
private struct FoundationJSON: Decodable {
    let value: JSONValue

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let text = try? container.decode(String.self) {
            value = .string(text)
        } else if let members = try? container.decode([String: FoundationJSON].self) {
            value = .object(members.mapValues(\.value))
        } else if let elements = try? container.decode([FoundationJSON].self) {
            value = .array(elements.map(\.value))
        } else if let integer = try? container.decode(Int.self) {
            value = .integer(integer)
        } else if let flag = try? container.decode(Bool.self) {
            value = .bool(flag)
        } else {
            value = .number(try container.decode(Double.self))
        }
    }
}
