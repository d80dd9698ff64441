import Testing
@testable import StewardCore

@Suite("LogLevel and LogFormat")
struct LogLevelTests {
    @Test func levelsAreOrderedBySeverity() {
        let ordered: [LogLevel] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        #expect(LogLevel.allCases == ordered)
        for (lower, higher) in zip(ordered, ordered.dropFirst()) {
            #expect(lower < higher)
            #expect(!(higher < lower))
            #expect(lower != higher)
        }
        #expect(ordered.shuffled().sorted() == ordered)
        #expect(LogLevel.info >= .info)
        #expect(LogLevel.warning > .notice)
        #expect(LogLevel.critical == .critical)
    }

    @Test func namesRoundTrip() {
        #expect(LogLevel.allCases.map(\.name) == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        for level in LogLevel.allCases {
            #expect(LogLevel(level.name) == level)
            #expect(LogLevel(level.name.uppercased()) == level)
            #expect(level.description == level.name)
        }
    }

    @Test(arguments: [
        ("INFO", LogLevel.info), ("Debug", .debug), ("tRaCe", .trace), ("warn", .warning), ("WARNING", .warning),
        (" error\n", .error), ("Critical", .critical), ("notice", .notice),
    ])
    func parsesCaseInsensitively(text: String, expected: LogLevel) {
        #expect(LogLevel(text) == expected)
    }

    @Test(arguments: ["", " ", "verbose", "inf", "information", "fatal", "3", "info x", "ınfo"])
    func rejectsUnknownLevelNames(text: String) {
        #expect(LogLevel(text) == nil)
    }

    @Test func formatsParseAndAutomaticChoice() {
        #expect(LogFormat("logfmt") == .logfmt)
        #expect(LogFormat("JSON") == .json)
        #expect(LogFormat(" Human ") == .human)
        #expect(LogFormat("xml") == nil)
        #expect(LogFormat("") == nil)
        #expect(LogFormat.automatic(isTerminal: true) == .human)
        #expect(LogFormat.automatic(isTerminal: false) == .logfmt)
        #expect([LogFormat.logfmt, .json, .human].map(\.name) == ["logfmt", "json", "human"])
        #expect(LogFormat.json.description == "json")
    }
}
