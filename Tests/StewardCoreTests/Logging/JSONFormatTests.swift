import Foundation
import Testing
@testable import StewardCore

@Suite("JSON format")
struct JSONFormatTests {
    private func parse(_ line: String) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: String], "not a flat string object: \(line)")
    }

    @Test func lineLayoutAndKeyOrder() {
        let record = LoggingFixtures.record(level: .warning, metadata: ["b": "2", "a": "1", "zz": "x y"])
        #expect(
            LoggingFixtures.line(.json, record)
                == #"{"time":"2026-11-22T13:25:36.123Z","level":"warning","logger":"web","msg":"started","a":"1","b":"2","zz":"x y"}"#
        )
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"back\slash"#, #""back\\slash""#),
        ("a\nb", #""a\nb""#),
        ("\r\t\u{08}\u{0C}", #""\r\t\b\f""#),
        ("\u{00}\u{01}\u{1F}", #""\u0000\u0001\u001f""#),
        ("del\u{7F}", #""del\u007f""#),
        ("sep\u{2028}\u{2029}", #""sep\u2028\u2029""#),
        ("\u{FEFF}bom", #""\ufeffbom""#),
        ("naïve ☃ 🙂 ä", #""naïve ☃ 🙂 ä""#),
        ("/slash", #""/slash""#),
    ])
    func escaping(text: String, expected: String) throws {
        let line = LoggingFixtures.line(.json, LoggingFixtures.record(message: text))
        #expect(line.contains(#","msg":"# + expected + "}"), "line: \(line)")
        #expect(try parse(line)["msg"] == text)
    }

    @Test func everyControlCharacterRoundTrips() throws {
        var text = ""
        for scalar in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        text += "\u{7F}\"\\ end"
        let record = LoggingFixtures.record(label: text, message: text, metadata: [text: text, "k": text])
        let line = LoggingFixtures.line(.json, record)
        #expect(!line.contains("\n"))
        #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F })
        let object = try parse(line)
        #expect(object["logger"] == text)
        #expect(object["msg"] == text)
        #expect(object[text] == text)
        #expect(object["k"] == text)
    }

    @Test func decodesWithJSONDecoder() throws {
        struct Line: Decodable, Equatable {
            var time: String
            var level: String
            var logger: String
            var msg: String
            var pid: String
        }
        let line = LoggingFixtures.line(.json, LoggingFixtures.record(label: "wéb", message: "emoji 🙂 \"q\"\n", metadata: ["pid": "7"]))
        let decoded = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
        #expect(decoded == Line(time: "2026-11-22T13:25:36.123Z", level: "info", logger: "wéb", msg: "emoji 🙂 \"q\"\n", pid: "7"))
    }

    @Test func reservedMetadataKeysAreRenamed() throws {
        let record = LoggingFixtures.record(metadata: ["msg": "m", "time": "t", "level": "l", "logger": "g"])
        let object = try parse(LoggingFixtures.line(.json, record))
        #expect(object["msg"] == "started")
        #expect(object["meta.msg"] == "m")
        #expect(object["meta.time"] == "t")
        #expect(object["meta.level"] == "l")
        #expect(object["meta.logger"] == "g")
        #expect(object.count == 8)
    }

    @Test func randomStringsRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = (0..<0x80).compactMap(Unicode.Scalar.init) + ["é", "→", "🙂", "\u{2028}", "\u{FEFF}", "中"]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<40, using: &generator) {
                text.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
            }
            let object = try parse(LoggingFixtures.line(.json, LoggingFixtures.record(message: text, metadata: ["v": text])))
            #expect(object["msg"] == text)
            #expect(object["v"] == text)
        }
    }
}
