import Testing
@testable import StewardCore

@Suite("MemoryLogSink and FanOutLogSink")
struct MemoryLogSinkTests {
    private func write(_ count: Int, to sink: some LogSink) {
        for index in 0..<count { sink.write(LoggingFixtures.record(message: "\(index)")) }
    }

    @Test func unboundedKeepsEverything() {
        let sink = MemoryLogSink()
        #expect(sink.capacity == nil)
        write(1000, to: sink)
        #expect(sink.messages == (0..<1000).map { "\($0)" })
        #expect(sink.droppedCount == 0)
    }

    @Test(arguments: [1, 3, 7])
    func boundedKeepsNewestInOrder(capacity: Int) {
        let sink = MemoryLogSink(capacity: capacity)
        write(2, to: sink)
        #expect(sink.messages == (0..<2).suffix(capacity).map { "\($0)" })
        for total in 3...20 {
            sink.write(LoggingFixtures.record(message: "\(total - 1)"))
            #expect(sink.messages == (0..<total).suffix(capacity).map { "\($0)" }, "after \(total) records")
            #expect(sink.droppedCount == max(0, total - capacity))
        }
    }

    @Test func zeroAndNegativeCapacityKeepNothing() {
        for capacity in [0, -5] {
            let sink = MemoryLogSink(capacity: capacity)
            #expect(sink.capacity == 0)
            write(4, to: sink)
            #expect(sink.records.isEmpty)
            #expect(sink.droppedCount == 4)
        }
    }

    @Test func removeAllResets() {
        let sink = MemoryLogSink(capacity: 2)
        write(5, to: sink)
        sink.removeAll()
        #expect(sink.records.isEmpty)
        #expect(sink.droppedCount == 0)
        write(3, to: sink)
        #expect(sink.messages == ["1", "2"])
    }

    @Test func concurrentWritesAreAllCounted() async {
        let sink = MemoryLogSink(capacity: 100)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { self.write(250, to: sink) } }
        }
        #expect(sink.records.count == 100)
        #expect(sink.droppedCount == 1900)
    }

    @Test func fanOutWritesToEverySinkInOrder() {
        let first = MemoryLogSink()
        let second = MemoryLogSink(capacity: 1)
        let fanOut = FanOutLogSink(first, second)
        write(3, to: fanOut)
        #expect(first.messages == ["0", "1", "2"])
        #expect(second.messages == ["2"])
        #expect(FanOutLogSink([first, second]).sinks.count == 2)
        FanOutLogSink([]).write(LoggingFixtures.record())
    }
}
