import Testing
@testable import StewardCore

@Suite("LogFormatter")
struct LogFormatterTests {
    private static let records: [LogRecord] = [
        LoggingFixtures.record(level: .critical, label: "", message: ""),
        LoggingFixtures.record(level: .notice, label: "component-000123", message: "state changed"),
        LoggingFixtures.record(level: .warning, message: "m", metadata: ["from": "starting", "to": "running", "pid": "4242"]),
        LoggingFixtures.record(message: String(repeating: "long ", count: 200), metadata: ["a": "", "b": "c"]),
    ]

    /// The line (plus the sink's newline) fits in the capacity reserved up front when nothing needs
    /// escaping, so building a line allocates once.
    @Test(arguments: [LogFormat.logfmt, .json, .human])
    func unescapedLinesFitTheReservedCapacity(format: LogFormat) {
        for record in Self.records {
            let line = LogFormatter(format: format).format(record)
            #expect(line.utf8.count + 1 <= LogFormatter.estimatedLength(of: record), "\(format): \(line)")
        }
    }

    @Test(arguments: [LogFormat.logfmt, .json, .human])
    func appendMatchesFormat(format: LogFormat) {
        let formatter = LogFormatter(format: format)
        #expect(formatter.format == format)
        for record in Self.records {
            var buffer = Array("prefix|".utf8)
            formatter.append(record, to: &buffer)
            #expect(String(decoding: buffer, as: UTF8.self) == "prefix|" + formatter.format(record))
        }
    }

    @Test func linesNeverContainNewlines() {
        let record = LoggingFixtures.record(label: "l\n", message: "a\nb\r\n", metadata: ["k\n": "v\n"])
        for format in [LogFormat.logfmt, .json, .human] {
            let line = LogFormatter(format: format).format(record)
            #expect(!line.utf8.contains(0x0A) && !line.utf8.contains(0x0D), "\(format): \(line)")
        }
    }
}
