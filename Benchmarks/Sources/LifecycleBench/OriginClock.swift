// A ContinuousClock that remembers the first `now` it handed out. The runner wraps its clock once,
// in Engine's initializer (inside `build`), and reads `now` right there as the origin of every
// event's `time`; so `origin + event.time` is the exact wall instant of an event. Only the first
// read takes a lock; later ones cost one relaxed atomic load on top of ContinuousClock.
import Synchronization

final class OriginClock: Clock, Sendable {
    typealias Instant = ContinuousClock.Instant
    typealias Duration = Swift.Duration

    private let base = ContinuousClock()
    private let recorded = Atomic<Bool>(false)
    private let first = Mutex<Instant?>(nil)

    var now: Instant {
        let now = base.now
        if !recorded.load(ordering: .acquiring) {
            first.withLock { if $0 == nil { $0 = now } }
            recorded.store(true, ordering: .releasing)
        }
        return now
    }

    var minimumResolution: Swift.Duration { base.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        try await base.sleep(until: deadline, tolerance: tolerance)
    }

    /// The first instant handed out (the runner's origin), if any.
    var origin: Instant? { first.withLock { $0 } }
}
