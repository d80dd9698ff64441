#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// A time zone's UTC offsets along the timeline, in whole seconds.
///
/// The timeline is a sequence of *spans* of constant offset separated by transitions. Only
/// `TimeZone.secondsFromGMT(for:)` and `TimeZone.nextDaylightSavingTimeTransition(after:)` are used
/// (both report every offset change, standard-time changes included); a span's end is checked
/// against the offset just before it, and a transition the zone did not report is found by
/// bisection, so the spans are exact whatever the zone reports.
struct ZoneTimeline: Hashable, Sendable {
    /// The zone.
    let zone: TimeZone

    /// The offset from UTC, in seconds, at `instant` (seconds since the Unix epoch).
    func offset(at instant: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
    }

    /// Wall-clock local seconds at `instant`.
    func localSeconds(at instant: Int) -> Int {
        instant + offset(at: instant)
    }

    /// The span of constant offset containing `instant`: its offset, and the instant the next span
    /// starts (`nil` when the zone never changes its offset again).
    func span(at instant: Int) -> (offset: Int, end: Int?) {
        let offset = offset(at: instant)
        guard let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(instant))) else {
            return (offset, nil)
        }
        let reported = Int(next.timeIntervalSince1970.rounded(.up))
        var end = max(reported, instant + 1)
        if self.offset(at: end - 1) != offset {
            // A change the zone did not report lies in (instant, end - 1]: find its first second.
            var same = instant, changed = end - 1
            while changed - same > 1 {
                let middle = same + (changed - same) / 2
                if self.offset(at: middle) == offset { same = middle } else { changed = middle }
            }
            end = changed
        }
        return (offset, end)
    }

    /// The earliest instant whose wall-clock time is `local`; when a forward jump (a gap) skips
    /// `local`, the instant the gap ends, i.e. the first valid instant after the gap.
    func firstInstant(atLocal local: Int) -> Int {
        // No zone is a day or more ahead of UTC, so the wall clock a day earlier reads before `local`.
        var instant = local - 86_400
        while true {
            let (offset, end) = span(at: instant)
            if instant + offset > local { return instant }  // the span starts past `local`: a gap
            let candidate = local - offset
            guard let end, candidate >= end else { return candidate }
            instant = end
        }
    }
}
