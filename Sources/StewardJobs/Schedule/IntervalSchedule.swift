import StewardCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every `interval`, anchored to a start instant: fires at `anchor + k·interval` for k = 0, 1, 2, …
///
/// The anchor itself is the first fire (k starts at 0, as Quartz's simple trigger does); since
/// ``nextFire(after:)`` answers strictly after its argument, asking from the anchor gives
/// `anchor + interval`. The optional ``repeatCount`` is the total number of fires, the anchor's
/// included, and the optional ``end`` closes the window: no fire falls after it (a fire exactly
/// at `end` happens). Elapsed time, not wall-clock time: daylight saving never shifts the fires.
/// The next fire is computed arithmetically, never by stepping.
public struct IntervalSchedule: Schedule, Hashable {
    /// The time between fires (at least 1 ms).
    public let interval: Duration
    /// The first fire; every fire is a whole number of intervals after it.
    public let anchor: Date
    /// The total number of fires, the anchor's included; `nil` for no limit.
    public let repeatCount: Int?
    /// The last instant a fire may fall on; `nil` for no end.
    public let end: Date?

    /// The interval in seconds.
    private let step: Double

    /// Creates the schedule.
    /// - Throws: ``ScheduleError/Kind/invalidInterval`` when `interval` is shorter than 1 ms;
    ///   ``ScheduleError/Kind/invalidValue`` when `repeatCount` is below 1 or `end` is before `anchor`.
    public init(every interval: Duration, anchor: Date, repeatCount: Int? = nil, end: Date? = nil) throws(ScheduleError) {
        guard interval >= .milliseconds(1) else {
            throw ScheduleError(.invalidInterval, "interval \(interval.compactDescription) is too short (at least 1ms)")
        }
        if let repeatCount, repeatCount < 1 {
            throw ScheduleError(.invalidValue, "repeat count \(repeatCount) must be at least 1")
        }
        if let end, end < anchor {
            throw ScheduleError(.invalidValue, "end \(InstantText.format(end)) is before the anchor \(InstantText.format(anchor))")
        }
        self.interval = interval
        self.anchor = anchor
        self.repeatCount = repeatCount
        self.end = end
        let (seconds, attoseconds) = interval.components
        self.step = Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The first fire strictly after `instant`, or `nil` past the repeat count or the end.
    public func nextFire(after instant: Date) -> Date? {
        var k = 0
        let elapsed = instant.timeIntervalSince(anchor)
        if elapsed >= 0 {
            let quotient = (elapsed / step).rounded(.down)
            guard quotient < 1e15 else { return nil }
            k = Int(quotient) + 1
            // Floating-point rounding may land one interval off either way; settle on the first
            // fire strictly after `instant`.
            while k > 0, fire(k - 1) > instant { k -= 1 }
            while fire(k) <= instant { k += 1 }
        }
        if let repeatCount, k >= repeatCount { return nil }
        let next = fire(k)
        if let end, next > end { return nil }
        return next
    }

    /// Fire number `k` (0 = the anchor).
    private func fire(_ k: Int) -> Date {
        anchor.addingTimeInterval(Double(k) * step)
    }

    /// `every 5m from 2026-12-01T03:00:00Z, 10 times, until 2026-12-02T00:00:00Z`.
    public var description: String {
        var text = "every \(interval.compactDescription) from \(InstantText.format(anchor))"
        if let repeatCount { text += repeatCount == 1 ? ", once" : ", \(repeatCount) times" }
        if let end { text += ", until \(InstantText.format(end))" }
        return text
    }
}
