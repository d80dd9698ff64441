import Testing
@testable import StewardCore

@Suite("logfmt and human formats")
struct LogfmtFormatTests {
    @Test func logfmtLineLayout() {
        let record = LoggingFixtures.record(metadata: ["pid": "42", "addr": "0.0.0.0:80"])
        #expect(
            LoggingFixtures.line(.logfmt, record)
                == #"time=2026-11-22T13:25:36.123Z level=info logger=web msg="started" addr=0.0.0.0:80 pid=42"#
        )
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("42", "42"),
        ("", #""""#),
        ("two words", #""two words""#),
        ("a=b", #""a=b""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"back\slash"#, #""back\\slash""#),
        ("line1\nline2", #""line1\nline2""#),
        ("cr\r", #""cr\r""#),
        ("tab\there", #""tab\there""#),
        ("bell\u{07}", #""bell\u0007""#),
        ("esc\u{1B}[31m", #""esc\u001b[31m""#),
        ("nul\u{00}", #""nul\u0000""#),
        ("del\u{7F}", #""del\u007f""#),
        ("héllo→🙂", "héllo→🙂"),
        ("with space é", #""with space é""#),
        ("/path/to:file.sock", "/path/to:file.sock"),
    ])
    func logfmtValueQuoting(value: String, expected: String) {
        let line = LoggingFixtures.line(.logfmt, LoggingFixtures.record(metadata: ["k": value]))
        #expect(line.hasSuffix(#" msg="started" k="# + expected), "line: \(line)")
        #expect(!line.contains("\n"))
    }

    @Test(arguments: [
        ("simple", #"msg="simple""#),
        ("", #"msg="""#),
        ("quote \" and \\ and\nnewline", #"msg="quote \" and \\ and\nnewline""#),
    ])
    func logfmtMessageIsAlwaysQuoted(message: String, expected: String) {
        let line = LoggingFixtures.line(.logfmt, LoggingFixtures.record(message: message))
        #expect(line.hasSuffix(expected), "line: \(line)")
    }

    @Test func logfmtLabelIsQuotedWhenNeeded() {
        let line = LoggingFixtures.line(.logfmt, LoggingFixtures.record(label: "my service"))
        #expect(line.contains(#" logger="my service" msg="#))
    }

    @Test(arguments: [
        ("a b", "a_b"), ("x=y", "x_y"), ("", "_"), ("q\"", "q_"), ("nl\n", "nl_"), ("ünï", "ünï"),
        ("msg", "meta.msg"), ("time", "meta.time"), ("level", "meta.level"), ("logger", "meta.logger"),
    ])
    func logfmtKeysAreSanitised(key: String, expected: String) {
        let line = LoggingFixtures.line(.logfmt, LoggingFixtures.record(metadata: [key: "v"]))
        #expect(line.hasSuffix(#" msg="started" "# + expected + "=v"), "line: \(line)")
    }

    @Test func metadataIsSortedByKey() {
        var metadata: [String: String] = [:]
        for index in 0..<40 { metadata["k\(String(index, radix: 36))\(index)"] = "\(index)" }
        for count in [2, 5, 24, 25, 40] {
            let subset = Dictionary(uniqueKeysWithValues: metadata.sorted { $0.key < $1.key }.prefix(count).map { ($0.key, $0.value) })
            let line = LoggingFixtures.line(.logfmt, LoggingFixtures.record(message: "m", metadata: subset))
            let keys = line.split(separator: " ").dropFirst(4).map { String($0.split(separator: "=")[0]) }
            #expect(keys == subset.keys.sorted(), "count \(count)")
        }
    }

    @Test func levelNamesInLogfmt() {
        for level in LogLevel.allCases {
            let line = LoggingFixtures.line(.logfmt, LoggingFixtures.record(level: level))
            #expect(line.contains(" level=\(level.name) "))
        }
    }

    @Test func humanLineLayout() {
        let record = LoggingFixtures.record(message: "listening on \"0.0.0.0\"", metadata: ["port": "80", "path": "/a b"])
        #expect(LoggingFixtures.line(.human, record) == #"13:25:36.123 INFO  [web] listening on "0.0.0.0" path="/a b" port=80"#)
    }

    @Test func humanLevelColumnIsAligned() {
        let lines = LogLevel.allCases.map { LoggingFixtures.line(.human, LoggingFixtures.record(level: $0)) }
        #expect(lines.map { String($0.dropFirst(13).prefix(6)) } == ["TRACE ", "DEBUG ", "INFO  ", "NOTE  ", "WARN  ", "ERROR ", "CRIT  "])
        #expect(Set(lines.map { $0.firstIndex(of: "[")!.utf16Offset(in: $0) }).count == 1)
    }

    @Test func humanEscapesControlCharactersOnly() {
        let line = LoggingFixtures.line(.human, LoggingFixtures.record(label: "a\nb", message: "x\ny\t\u{1B}z \\ \"q\""))
        #expect(line == #"13:25:36.123 INFO  [a\nb] x\ny\t\u001bz \ "q""#)
    }
}
