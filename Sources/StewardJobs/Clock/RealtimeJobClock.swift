#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The production ``JobClock``: wall-clock sleeps on a Linux `timerfd` (`CLOCK_REALTIME`, armed
/// with `TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET`, read through the `DescriptorWatcher`), so a
/// sleep wakes at the exact instant — no polling tick — and early, with
/// ``JobClockWake/clockChanged``, the moment the wall clock is set (the read fails with
/// `ECANCELED`). One timer descriptor serves every sleeper of the process (see `WallTimer`).
/// Elapsed sleeps use `ContinuousClock`.
///
/// If no `timerfd` can be created or watched (a seccomp profile forbidding it), a wall-clock sleep
/// falls back to sleeping the remaining time on `ContinuousClock`, which cannot notice clock
/// changes before its deadline.
public struct RealtimeJobClock: JobClock {
    /// Creates the clock.
    public init() {}

    /// `Date()`: `CLOCK_REALTIME`.
    public var now: Date { Date() }

    /// See ``JobClock/sleep(until:)``.
    public func sleep(until deadline: Date) async throws(CancellationError) -> JobClockWake {
        if let timer = WallTimer.shared { return try await timer.sleep(until: deadline) }
        let remaining = deadline.timeIntervalSinceNow
        if remaining > 0 { try await sleep(for: .nanoseconds(Int64(min(remaining, 1e9) * 1e9))) }
        return .deadlineReached
    }

    /// See ``JobClock/sleep(for:)``.
    public func sleep(for duration: Duration) async throws(CancellationError) {
        do {
            try await Task.sleep(for: duration, tolerance: .zero, clock: .continuous)
        } catch {
            throw CancellationError()
        }
    }
}
