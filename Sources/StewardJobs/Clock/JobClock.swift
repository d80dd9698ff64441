#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The scheduler's view of time: the wall clock (schedules name wall-clock instants) and elapsed
/// time (timeouts, grace periods and retry backoffs must not stretch or shrink when someone sets
/// the clock).
///
/// Production uses ``RealtimeJobClock``; tests use ``ManualJobClock``.
public protocol JobClock: Sendable {
    /// The current wall-clock instant.
    var now: Date { get }

    /// Sleeps until the wall clock reads `deadline` or later, or until the wall clock is set
    /// (stepped by NTP, by an administrator, or jumping after a suspend), whichever comes first.
    /// A deadline already passed returns ``JobClockWake/deadlineReached`` at once.
    /// - Throws: `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Date) async throws(CancellationError) -> JobClockWake

    /// Sleeps for `duration` of elapsed time, unaffected by changes to the wall clock.
    /// - Throws: `CancellationError` when the task is cancelled first.
    func sleep(for duration: Duration) async throws(CancellationError)
}

/// Why ``JobClock/sleep(until:)`` returned. A struct wrapping a private enum.
public struct JobClockWake: Sendable, Hashable, CustomStringConvertible {
    enum Value: Hashable { case deadlineReached, clockChanged }
    let value: Value

    /// The wall clock reached the deadline.
    public static let deadlineReached = JobClockWake(value: .deadlineReached)
    /// The wall clock was set; the caller should recompute what is due.
    public static let clockChanged = JobClockWake(value: .clockChanged)

    /// `deadline reached` or `clock changed`.
    public var description: String { value == .deadlineReached ? "deadline reached" : "clock changed" }

    private init(value: Value) { self.value = value }
}
