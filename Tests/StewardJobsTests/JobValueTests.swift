import Foundation
import StewardJobs
import Testing

@Suite("JobValue JSON", .timeLimit(.minutes(1)))
struct JobValueTests {
    @Test("JSON text is compact with sorted keys and round-trips every kind of value")
    func roundTrip() throws {
        let value: JobValue = ["b": [1, 2.5, true, nil, "x"], "a": ["nested": ["deep": -7]], "s": "q\"uote\\ \n\t 🎉 /"]
        #expect(value.jsonText == #"{"a":{"nested":{"deep":-7}},"b":[1,2.5,true,null,"x"],"s":"q\"uote\\ \n\t 🎉 /"}"#)
        #expect(try JobValue(jsonText: value.jsonText) == value)
        #expect(try JobValue(jsonText: "2.0") == .double(2))
        #expect(try JobValue(jsonText: " 42 ") == .int(42))
        #expect(try JobValue(jsonText: #""\u00e9\ud83c\udf89\u0001""#) == "é🎉\u{01}")
        #expect(JobValue.string("\u{01}").jsonText == #""\u0001""#)
        #expect(JobValue.double(.infinity).jsonText == "null")
        #expect(try JobValue(jsonText: "1e3") == .double(1000))
    }

    @Test("invalid JSON is rejected with the offset of the problem")
    func invalid() {
        for text in ["", "{", "[1,]", "tru", #"{"a" 1}"#, "1 2", #""unterminated"#, "-", #"{1: 2}"#] {
            #expect(throws: JobValueParseError.self, "\(text)") { try JobValue(jsonText: text) }
        }
        do {
            _ = try JobValue(jsonText: "[1, x]")
            Issue.record("accepted invalid JSON")
        } catch {
            #expect(error.offset == 4)
        }
    }

    @Test("accessors read the matching kind only")
    func accessors() {
        let value: JobValue = ["n": 3, "list": ["a"], "flag": false, "pi": 3.14]
        #expect(value["n"]?.intValue == 3)
        #expect(value["n"]?.doubleValue == 3)
        #expect(value["pi"]?.intValue == nil)
        #expect(value["list"]?[0]?.stringValue == "a")
        #expect(value["list"]?[1] == nil)
        #expect(value["flag"]?.boolValue == false)
        #expect(value["missing"] == nil)
        #expect(JobValue.null.isNull)
    }
}
