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

    @Test("the position scanner accepts exactly what Foundation's JSON5 decoder accepts", arguments: [
        "[01]", "[+Infinity]", "[-NaN]", "[0X1F]", "[1.]", "[.5]", "[5.e3]", "['\\x41']", "['a\\\nb']", "{$a_1: 1}",
        "{ü: 1}", "{1: 2}", "['\t']", "[1] // c", "\u{FEFF}[1]", "{}", "{,}", "[,]", "[1,,2]", "[1,,]", "{true: 1}",
        "[tru]", "['\\q']", "[\"\\u00e9\"]", "{a:1,}", "{'a':1}", "[1]\n/* x */", "[1] /* x", "[-0x10]", "[1e]", "[-]",
        "{a\\u0062: 1}", "{a-b: 1}", "[\"a\nb\"]", "[0.]", "[00]", "[-.5]", "{a:1 b:2}", " ", "[1]]", "[1 2]", "{a::1}",
        "[undefined]", "['\\/']", "['\\v']", "['\\0']", "['a\\\r\nb']", "[1,\u{0B}2]", "[1,\r2]", "['\\b']", "['\\u12']",
        "['\\x4']", "{_: 1}", "{\u{00E9}t\u{00E9}: 1}", "[1E+5]", "[0x]", "[+.5]", "[.]", "[truex]", "[nulls]",
        "/* a */ {} // b", "{a:1}/", "{a: 'x\u{01}'}", "[[1,],]", "[1,/*c*/]", "{a//c\n:1}", "{a/*c*/:1}", "[1e5]",
    ])
    func scannerAgreesWithDecoder(text: String) {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let decoded = (try? decoder.decode(JSONValue.self, from: Data(text.utf8))) != nil
        let scanned = JSON5SourceMap(text: text).syntaxError == nil
        #expect(decoded == scanned, "decoder \(decoded ? "accepts" : "rejects"), scanner \(scanned ? "accepts" : "rejects") \(text.debugDescription)")
    }

    @Test("decoding guided by the scanned tree gives the same values as trying each kind in turn")
    func guidedDecoding() throws {
        let text = """
        { a: [1, 1.5, 0x10, -Infinity, true, null, 'x', [{ "1": 2, b: [[]] }]],
          "7": { "0": 'zero', c: false }, d: 1e3, a: 'duplicate, ignored' }
        """
        let map = JSON5SourceMap(text: text)
        let tree = try #require(map.root)
        let guided = JSONDecoder()
        guided.allowsJSON5 = true
        guided.userInfo[JSON5SourceNode.userInfoKey] = tree
        let plain = JSONDecoder()
        plain.allowsJSON5 = true
        let value = try guided.decode(JSONValue.self, from: Data(text.utf8))
        #expect(value == (try plain.decode(JSONValue.self, from: Data(text.utf8))))
        #expect(value == .object([
            "a": .array([.integer(1), .number(1.5), .integer(16), .number(-.infinity), .bool(true), .null, .string("x"),
                         .array([.object(["1": .integer(2), "b": .array([.array([])])])])]),
            "7": .object(["0": .string("zero"), "c": .bool(false)]),
            "d": .integer(1000),
        ]))
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
        #expect(map.position(of: .root) == nil)
        #expect(api.appending("command").appending(index: 1).description == "processes.api.v2.command[1]")
    }

    @Test("text that is not UTF-8 is one issue")
    func notUTF8() {
        #expect(throws: ConfigIssues([ConfigIssue(path: "", message: "steward.json5 is not valid UTF-8 text")])) {
            try SupervisorConfigLoader.parse(Data([0x7B, 0xFF, 0x7D]), source: "steward.json5", baseDirectory: "/")
        }
    }
}
