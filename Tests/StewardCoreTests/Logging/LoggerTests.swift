import Foundation
import Testing
@testable import StewardCore

@Suite("Logger")
struct LoggerTests {
    private func makeLogger(level: LogLevel = .info, metadata: [String: String] = [:]) -> (Logger, MemoryLogSink) {
        let sink = MemoryLogSink()
        let logger = Logger(label: "core", sink: sink, level: level, metadata: metadata, now: { LoggingFixtures.time })
        return (logger, sink)
    }

    @Test func messageAndMetadataAreNotEvaluatedBelowLevel() {
        let (logger, sink) = makeLogger(level: .warning)
        var messageEvaluations = 0
        var metadataEvaluations = 0
        func message() -> String { messageEvaluations += 1; return "expensive" }
        func metadata() -> [String: String] { metadataEvaluations += 1; return ["k": "v"] }

        logger.trace(message(), metadata: metadata())
        logger.debug(message(), metadata: metadata())
        logger.info(message(), metadata: metadata())
        logger.notice(message(), metadata: metadata())
        logger.log(.info, message(), metadata: metadata())
        #expect(messageEvaluations == 0)
        #expect(metadataEvaluations == 0)
        #expect(sink.records.isEmpty)

        logger.warning(message(), metadata: metadata())
        logger.error(message())
        logger.critical(message(), metadata: metadata())
        logger.log(.warning, message())
        #expect(messageEvaluations == 4)
        #expect(metadataEvaluations == 2)
        #expect(sink.records.map(\.level) == [.warning, .error, .critical, .warning])
    }

    @Test func eachLevelMethodWritesItsLevel() {
        let (logger, sink) = makeLogger(level: .trace)
        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.notice("n")
        logger.warning("w")
        logger.error("e")
        logger.critical("c")
        #expect(sink.records.map(\.level) == LogLevel.allCases)
        #expect(sink.messages == ["t", "d", "i", "n", "w", "e", "c"])
        #expect(logger.isEnabled(.trace))
    }

    @Test func recordCarriesLabelTimeAndMessage() throws {
        let (logger, sink) = makeLogger()
        logger.info("hello")
        let record = try #require(sink.records.first)
        #expect(record.label == "core")
        #expect(record.time == LoggingFixtures.time)
        #expect(record.message == "hello")
        #expect(record.level == .info)
    }

    @Test func metadataMergesWithNewKeysWinning() throws {
        let (base, sink) = makeLogger(metadata: ["a": "1", "b": "1"])
        let derived = base.with(["b": "2", "c": "2"])
        #expect(derived.metadata == ["a": "1", "b": "2", "c": "2"])
        #expect(base.metadata == ["a": "1", "b": "1"], "with(_:) must not change the original")
        #expect(base.with([:]).metadata == base.metadata)

        derived.info("call", metadata: ["c": "3", "d": "3"])
        derived.info("plain")
        base.info("base")
        let records = sink.records
        #expect(records[0].metadata == ["a": "1", "b": "2", "c": "3", "d": "3"])
        #expect(records[1].metadata == ["a": "1", "b": "2", "c": "2"])
        #expect(records[2].metadata == ["a": "1", "b": "1"])

        let (empty, emptySink) = makeLogger()
        empty.info("only call", metadata: ["x": "1"])
        #expect(try #require(emptySink.records.first).metadata == ["x": "1"])
    }

    @Test func metadataSubscriptAndLabeled() {
        var (logger, sink) = makeLogger(level: .debug)
        logger[metadataKey: "pid"] = "42"
        #expect(logger[metadataKey: "pid"] == "42")
        #expect(logger[metadataKey: "missing"] == nil)
        logger[metadataKey: "pid"] = "43"
        logger[metadataKey: "gone"] = "x"
        logger[metadataKey: "gone"] = nil
        #expect(logger.metadata == ["pid": "43"])

        let renamed = logger.labeled("child")
        #expect(renamed.label == "child")
        #expect(logger.label == "core")
        #expect(renamed.level == .debug)
        #expect(renamed.metadata == ["pid": "43"])
        renamed.debug("from child")
        #expect(sink.records.map(\.label) == ["child"])

        logger.level = .error
        logger.warning("dropped")
        #expect(sink.records.count == 1)
        #expect(!logger.isEnabled(.warning))
    }

    @Test func loggerIsUsableFromConcurrentTasks() async {
        let (logger, sink) = makeLogger()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<100 { logger.info("m", metadata: ["t": "\(task)", "i": "\(index)"]) }
                }
            }
        }
        #expect(sink.records.count == 800)
    }

    @Test func defaultSinkIsSharedStandardOutput() {
        let logger = Logger(label: "x")
        #expect(logger.sink as? FileDescriptorLogSink === FileDescriptorLogSink.standardOutput())
        #expect(logger.level == .info)
        #expect(logger.metadata.isEmpty)
    }
}
