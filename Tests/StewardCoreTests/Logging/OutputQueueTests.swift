import Foundation
import Testing
@testable import StewardCore

@Suite("OutputQueue: an output that stops draining never blocks its writers", .timeLimit(.minutes(1)))
struct OutputQueueTests {
    /// Fault: the reader of the pipe never reads (Docker's blocking log mode behind a slow log
    /// driver, a terminal paused with Ctrl-S). Before the queue, the 4 KiB pipe filled and the
    /// writing thread blocked in write(2) for good; this test then never ended.
    @Test("a pipe nobody reads: writers go on, lines past the capacity are dropped and counted, one note once it drains")
    func undrainedPipe() async throws {
        let pipe = makeLoggingTestPipe()
        _ = fcntl(pipe.write, 1031 /* F_SETPIPE_SZ */, 4096)
        let queue = OutputQueue(descriptor: pipe.write, capacity: 16 * 1024)
        let line = Array(String(repeating: "x", count: 99).utf8) + [10]
        for _ in 0..<10_000 { queue.enqueue(line) }  // 1 MB against 4 KiB of pipe and 16 KiB of queue
        #expect(queue.droppedLines > 9_000)
        #expect(!queue.flush(timeout: .milliseconds(50)))  // still stuck: nobody reads

        let drain = PipeDrain(descriptor: pipe.read)
        #expect(queue.flush(timeout: .seconds(20)))  // the lines, then the note
        let dropped = queue.droppedLines
        queue.enqueue(Array("last\n".utf8))
        #expect(queue.flush(timeout: .seconds(20)))
        close(pipe.write)
        let text = String(decoding: await drain.bytes(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        let notes = lines.filter { $0.contains("line(s) dropped") }
        #expect(notes == ["steward: \(dropped) line(s) dropped: the output was not being read fast enough"])
        #expect(lines.last == "last")
        #expect(lines.count == 10_000 - dropped + 2)
    }

    @Test("a closed pipe stops the queue: later lines are dropped, no SIGPIPE kills the process")
    func closedPipe() {
        let pipe = makeLoggingTestPipe()
        close(pipe.read)
        let queue = OutputQueue(descriptor: pipe.write)
        queue.enqueue(Array("one\n".utf8))
        queue.flush()
        #expect(queue.hasStopped)
        queue.enqueue(Array("two\n".utf8))
        #expect(queue.droppedLines >= 1)
        close(pipe.write)
    }
}
