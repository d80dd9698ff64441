/// The runner's view of time: offsets from the moment the clock was wrapped.
///
/// Erasing the user's `Clock` into two closures keeps the runner non-generic while every timer still
/// goes through the injected clock (a manual clock in tests, `ContinuousClock` in production).
struct RunnerClock: Sendable {
    private let nowOffset: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        nowOffset = { origin.duration(to: clock.now) }
        sleeper = { offset in try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil) }
    }

    /// Time elapsed since the clock was wrapped.
    var now: Duration { nowOffset() }

    /// Sleeps until the given offset; throws `CancellationError` if cancelled first.
    func sleep(until offset: Duration) async throws { try await sleeper(offset) }

    /// The offset `duration` from now, or `nil` when `duration` is `nil` (no limit).
    func deadline(after duration: Duration?) -> Duration? { duration.map { now + $0 } }
}
