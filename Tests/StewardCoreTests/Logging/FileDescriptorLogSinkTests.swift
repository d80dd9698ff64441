import Foundation
import Testing
@testable import StewardCore

@Suite("FileDescriptorLogSink")
struct FileDescriptorLogSinkTests {
    /// The message written by `task` for line `index`: an identifying prefix, then a payload whose
    /// length varies (some lines are longer than PIPE_BUF, so the kernel does not make them atomic)
    /// and whose content is derived from the prefix, so a torn line cannot pass as a whole one.
    private static func message(task: Int, index: Int) -> String {
        let length = index % 50 == 7 ? 9000 : (index * 37 + task * 11) % 300
        let letter = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(task)))
        return "t\(task)-i\(index)-" + String(repeating: letter, count: length)
    }

    @Test func concurrentWritersNeverInterleaveLines() async throws {
        let pipe = makeLoggingTestPipe()
        #if os(Linux)
        // A small pipe and a slow reader make long writes block part-way, which is exactly when
        // unsynchronised writers would interleave.
        _ = fcntl(pipe.write, 1031 /* F_SETPIPE_SZ */, 4096)
        #endif
        let drain = PipeDrain(descriptor: pipe.read, chunkSize: 1000, delayMicroseconds: 20)
        // Room for every line: this test is about order and tearing, not about dropping.
        let sink = FileDescriptorLogSink(fileDescriptor: pipe.write, format: .logfmt, capacity: 64 << 20)
        let logger = Logger(label: "writer", sink: sink, level: .trace, now: { LoggingFixtures.time })

        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 {
                        logger.info(Self.message(task: task, index: index), metadata: ["task": "\(task)"])
                    }
                }
            }
        }
        #expect(sink.flush())
        close(pipe.write)
        let bytes = await drain.bytes()

        #expect(bytes.last == UInt8(ascii: "\n"))
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1600)
        var nextIndex = [Int](repeating: 0, count: 8)
        for line in lines {
            let prefix = #"time=2026-11-22T13:25:36.123Z level=info logger=writer msg=""#
            guard line.hasPrefix(prefix), let closing = line.range(of: "\" task=") else {
                Issue.record("malformed line: \(line.prefix(200))")
                continue
            }
            let message = String(line[line.index(line.startIndex, offsetBy: prefix.count)..<closing.lowerBound])
            guard let task = Int(line[closing.upperBound...]), (0..<8).contains(task) else {
                Issue.record("bad task field: \(line.suffix(40))")
                continue
            }
            #expect(message == Self.message(task: task, index: nextIndex[task]), "task \(task) line \(nextIndex[task]) torn or out of order")
            nextIndex[task] += 1
        }
        #expect(nextIndex == [Int](repeating: 200, count: 8))
    }

    @Test func nonBlockingDescriptorWaitsInsteadOfDropping() async throws {
        let pipe = makeLoggingTestPipe()
        #if os(Linux)
        _ = fcntl(pipe.write, 1031 /* F_SETPIPE_SZ */, 4096)
        #endif
        _ = fcntl(pipe.write, F_SETFL, fcntl(pipe.write, F_GETFL) | O_NONBLOCK)
        let drain = PipeDrain(descriptor: pipe.read, chunkSize: 512, delayMicroseconds: 200)
        let sink = FileDescriptorLogSink(fileDescriptor: pipe.write, format: .json)
        let big = String(repeating: "x", count: 50_000)
        for index in 0..<4 {
            sink.write(LoggingFixtures.record(message: "\(index)" + big))
        }
        #expect(sink.flush())
        close(pipe.write)
        let lines = String(decoding: await drain.bytes(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 4)
        for (index, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["msg"] == "\(index)" + big)
        }
    }

    @Test func closedPipeIsSwallowedAndStopsTheSink() {
        let pipe = makeLoggingTestPipe()
        close(pipe.read)
        let sink = FileDescriptorLogSink(fileDescriptor: pipe.write, format: .logfmt)
        // With SIGPIPE at its default disposition this would kill the process if not handled.
        for _ in 0..<3 { sink.write(LoggingFixtures.record()) }
        sink.flush()
        #expect(sink.hasStopped)
        close(pipe.write)
    }

    @Test func badDescriptorIsSwallowed() {
        let sink = FileDescriptorLogSink(fileDescriptor: -1, format: .json)
        sink.write(LoggingFixtures.record())
        sink.write(LoggingFixtures.record())
        sink.flush()
        #expect(sink.hasStopped)
    }

    @Test func writesOneNewlineTerminatedLinePerRecord() async {
        let pipe = makeLoggingTestPipe()
        let drain = PipeDrain(descriptor: pipe.read)
        let sink = FileDescriptorLogSink(fileDescriptor: pipe.write, format: .human)
        sink.write(LoggingFixtures.record(message: "one\ntwo"))
        sink.write(LoggingFixtures.record(level: .error, message: "three"))
        #expect(sink.flush())
        close(pipe.write)
        let text = String(decoding: await drain.bytes(), as: UTF8.self)
        #expect(text == "13:25:36.123 INFO  [web] one\\ntwo\n13:25:36.123 ERROR [web] three\n")
        #expect(!sink.hasStopped)
    }

    @Test func standardOutputSinksAreShared() {
        #expect(FileDescriptorLogSink.standardOutput(format: .json) === FileDescriptorLogSink.standardOutput(format: .json))
        #expect(FileDescriptorLogSink.standardOutput(format: .json).format == .json)
        #expect(FileDescriptorLogSink.standardOutput(format: .human).fileDescriptor == 1)
        let automatic = LogFormat.automatic(isTerminal: isatty(1) == 1)
        #expect(FileDescriptorLogSink.standardOutput().format == automatic)
        #expect(FileDescriptorLogSink.standardError(format: .logfmt).fileDescriptor == 2)
    }
}
