@testable import StewardCore
import Synchronization
import Testing

/// The bus's streams keep `AsyncStream`'s contract: order, buffering policies, the end, and a
/// subscriber that goes away leaves the bus.
@Suite("Event bus", .timeLimit(.minutes(1)))
struct EventBusTests {
    private func event(_ n: Int) -> LifecycleEvent {
        LifecycleEvent(component: "c\(n)", phase: .run, outcome: .started, time: .seconds(n))
    }

    private func drain(_ stream: AsyncStream<LifecycleEvent>) async -> [String] {
        var seen: [String] = []
        for await event in stream { seen.append(event.component ?? "?") }
        return seen
    }

    @Test("unbounded keeps every event in order, then ends once finished")
    func unbounded() async {
        let bus = EventBus()
        let stream = bus.subscribe(bufferingPolicy: .unbounded)
        for n in 0..<1000 { bus.emit(event(n)) }
        bus.finish()
        #expect(await drain(stream) == (0..<1000).map { "c\($0)" })
    }

    @Test("a reader that is behind keeps the newest or the oldest n, as the policy says")
    func policies() async {
        let bus = EventBus()
        let newest = bus.subscribe(bufferingPolicy: .bufferingNewest(3))
        let oldest = bus.subscribe(bufferingPolicy: .bufferingOldest(3))
        for n in 0..<200 { bus.emit(event(n)) }
        bus.finish()
        #expect(await drain(newest) == ["c197", "c198", "c199"])
        #expect(await drain(oldest) == ["c0", "c1", "c2"])
    }

    @Test("a waiting reader gets each event as it comes, even with a limit of 0")
    func waitingReader() async {
        let bus = EventBus()
        let stream = bus.subscribe(bufferingPolicy: .bufferingNewest(0))
        let got = Mutex(false)
        let reader = Task { () -> String? in
            for await event in stream {
                got.withLock { $0 = true }
                return event.component
            }
            return nil
        }
        // Emit until the reader has taken one (it may not be waiting yet: then the event is dropped).
        var n = 0
        while !got.withLock({ $0 }) {
            bus.emit(event(n))
            n += 1
            await Task.yield()
        }
        #expect(await reader.value != nil)
    }

    @Test("a released stream or a cancelled reader leaves the bus; subscribing after the end gives an ended stream")
    func leaving() async {
        let bus = EventBus()
        do {
            let stream = bus.subscribe(bufferingPolicy: .unbounded)
            #expect(bus.hasSubscribers)
            _ = stream
        }
        #expect(!bus.hasSubscribers)

        let stream = bus.subscribe(bufferingPolicy: .unbounded)
        let reader = Task { await drain(stream) }
        reader.cancel()
        #expect(await reader.value.isEmpty)
        #expect(!bus.hasSubscribers)

        bus.finish()
        #expect(await drain(bus.subscribe(bufferingPolicy: .unbounded)).isEmpty)
    }
}
