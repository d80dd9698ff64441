/// A time zone's UTC offsets along the timeline, in whole seconds.
///
/// The timeline is a sequence of *spans* of constant offset separated by transitions, read from
/// a ``Zone`` (``Zone/offset(at:)`` and ``Zone/nextTransition(after:)``, which reports exactly the
/// instants the offset changes).
struct ZoneTimeline: Hashable, Sendable {
    /// The zone.
    let zone: Zone

    /// The offset from UTC, in seconds, at `instant` (seconds since the Unix epoch).
    func offset(at instant: Int) -> Int {
        zone.offset(at: instant)
    }

    /// Wall-clock local seconds at `instant`.
    func localSeconds(at instant: Int) -> Int {
        instant + offset(at: instant)
    }

    /// The span of constant offset containing `instant`: its offset, and the instant the next span
    /// starts (`nil` when the zone never changes its offset again).
    func span(at instant: Int) -> (offset: Int, end: Int?) {
        (offset(at: instant), zone.nextTransition(after: instant))
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
