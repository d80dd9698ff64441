import StewardCore
import StewardTesting
import Testing

@Suite("Lifecycle events are logged in the order they happened", .timeLimit(.minutes(1)))
struct EventLogOrderTests {
    /// Forty components of one group initialize and run at the same moment, on several threads.
    /// Before, each logged its event and then emitted it as two separate steps, so the log could
    /// tell two events in one order and the event stream in the other.
    @Test("forty concurrent components: the log's event lines are the event stream, in the same order")
    func sameOrder() async throws {
        let logs = MemoryLogSink(capacity: 10_000)
        var builder = LifecycleBuilder()
        for index in 0..<40 {
            builder.addRunnable("c\(index)") { context in await context.untilStopRequested() }
        }
        let lifecycle = try builder.build(options: testOptions(ManualClock(), logger: Logger(label: "app", sink: logs, level: .debug)))
        let recorder = EventRecorder(lifecycle)
        let running = lifecycle.runInBackground()
        await recorder.waitUntilReady()
        lifecycle.requestShutdown()
        #expect(await running.report.isClean)
        let events = await recorder.finished().entries.filter { $0.hasPrefix("c") }
        let logged = logs.records.compactMap { record -> String? in
            guard let component = record.metadata["component"], let phase = record.metadata["phase"] else { return nil }
            return "\(component) \(phase) \(record.message.split(separator: " ").last ?? "")"
        }
        #expect(events.count >= 40 * 6)
        #expect(logged == events, "first difference at \(Array(zip(logged, events)).firstIndex { $0.0 != $0.1 } ?? min(logged.count, events.count))")
    }
}
