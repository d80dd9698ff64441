import Foundation
import Testing
@testable import StewardCore

@Suite("Logger.fromEnvironment")
struct LoggerEnvironmentTests {
    private let automatic = LogFormat.automatic(isTerminal: isatty(1) == 1)

    private func format(of logger: Logger) -> LogFormat? {
        (logger.sink as? FileDescriptorLogSink)?.format
    }

    @Test func unsetUsesDefaults() {
        let (logger, problems) = Logger.fromEnvironment(label: "app", prefix: "STEWARD", environment: ["OTHER_LOG_LEVEL": "trace"])
        #expect(problems.isEmpty)
        #expect(logger.label == "app")
        #expect(logger.level == .info)
        #expect(format(of: logger) == automatic)
        #expect((logger.sink as? FileDescriptorLogSink)?.fileDescriptor == 1)
    }

    @Test(arguments: [
        ("debug", "json", LogLevel.debug, LogFormat.json),
        ("TRACE", "Human", .trace, .human),
        (" warn ", "logfmt", .warning, .logfmt),
        ("critical", "JSON", .critical, .json),
    ])
    func goodValues(level: String, format: String, expectedLevel: LogLevel, expectedFormat: LogFormat) {
        let (logger, problems) = Logger.fromEnvironment(
            label: "app", prefix: "STEWARD",
            environment: ["STEWARD_LOG_LEVEL": level, "STEWARD_LOG_FORMAT": format]
        )
        #expect(problems.isEmpty)
        #expect(logger.level == expectedLevel)
        #expect(self.format(of: logger) == expectedFormat)
    }

    @Test func badValuesFallBackAndAreReported() throws {
        let (logger, problems) = Logger.fromEnvironment(
            label: "app", prefix: "STEWARD",
            environment: ["STEWARD_LOG_LEVEL": "loud", "STEWARD_LOG_FORMAT": "xml\n"]
        )
        #expect(logger.level == .info)
        #expect(format(of: logger) == automatic)
        try #require(problems.count == 2)
        #expect(problems[0].contains("STEWARD_LOG_LEVEL=\"loud\""))
        #expect(problems[0].contains("using info"))
        #expect(problems[0].contains("trace, debug, info, notice, warning, error, critical"))
        #expect(problems[1].contains(#"STEWARD_LOG_FORMAT="xml\n""#))
        #expect(problems[1].contains("using \(automatic.name)"))
    }

    @Test func oneBadValueKeepsTheOtherGoodOne() {
        let (logger, problems) = Logger.fromEnvironment(
            label: "app", prefix: "X", environment: ["X_LOG_LEVEL": "error", "X_LOG_FORMAT": "yaml"]
        )
        #expect(logger.level == .error)
        #expect(format(of: logger) == automatic)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("X_LOG_FORMAT=") == true)
    }

    @Test func emptyValuesAreTreatedAsUnset() {
        let (logger, problems) = Logger.fromEnvironment(
            label: "app", prefix: "STEWARD", environment: ["STEWARD_LOG_LEVEL": "", "STEWARD_LOG_FORMAT": "  "]
        )
        #expect(problems.isEmpty)
        #expect(logger.level == .info)
        #expect(format(of: logger) == automatic)
    }

    @Test func prefixVariants() {
        let empty = Logger.fromEnvironment(label: "a", prefix: "", environment: ["LOG_LEVEL": "debug"])
        #expect(empty.logger.level == .debug)
        #expect(empty.problems.isEmpty)
        let underscored = Logger.fromEnvironment(label: "a", prefix: "APP_", environment: ["APP_LOG_LEVEL": "notice"])
        #expect(underscored.logger.level == .notice)
        let caseSensitive = Logger.fromEnvironment(label: "a", prefix: "app", environment: ["APP_LOG_LEVEL": "notice"])
        #expect(caseSensitive.logger.level == .info)
    }
}
