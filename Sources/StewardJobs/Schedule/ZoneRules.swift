/// A zone's offsets from UTC over time: a table of transitions, then a ``PosixZoneRule`` for the
/// instants after the last one (the content of a TZif file, RFC 8536).
struct ZoneRules: Hashable, Sendable {
    /// Transition instants (seconds since the Unix epoch), strictly ascending.
    var transitions: [Int]
    /// The offset from UTC in effect from each transition on, seconds east of UTC.
    var offsets: [Int]
    /// The offset before the first transition (or always, without transitions or a rule).
    var initialOffset: Int
    /// The rule for instants after the last transition (for all instants, without transitions).
    var footer: PosixZoneRule?

    /// A zone that is always `offset` seconds east of UTC.
    static func fixed(_ offset: Int) -> ZoneRules {
        ZoneRules(transitions: [], offsets: [], initialOffset: offset, footer: nil)
    }

    /// The offset in effect at `instant`.
    func offset(at instant: Int) -> Int {
        guard let last = transitions.last else { return footer?.offset(at: instant) ?? initialOffset }
        if instant > last, let footer { return footer.offset(at: instant) }
        let index = countAtOrBefore(instant)
        return index == 0 ? initialOffset : offsets[index - 1]
    }

    /// The first instant after `instant` at which the offset changes, or `nil` when it never does.
    func nextTransition(after instant: Int) -> Int? {
        let current = offset(at: instant)
        var index = countAtOrBefore(instant)
        while index < transitions.count {
            if offsets[index] != current { return transitions[index] }
            index += 1
        }
        guard let footer else { return nil }
        guard let last = transitions.last else { return footer.nextTransition(after: instant) }
        let from = max(instant, last)
        if footer.offset(at: from + 1) != offset(at: from) { return from + 1 }
        return footer.nextTransition(after: from)
    }

    /// How many transitions are at or before `instant`.
    private func countAtOrBefore(_ instant: Int) -> Int {
        var low = 0, high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The same offsets from `cutoff` on, with as few transitions as possible: those before
    /// `cutoff` dropped, and those at the end that the footer's rule reproduces too (what the
    /// built-in zone data keeps).
    func trimmed(from cutoff: Int) -> ZoneRules {
        let first = countAtOrBefore(cutoff - 1)
        var result = ZoneRules(transitions: Array(transitions[first...]), offsets: Array(offsets[first...]),
                               initialOffset: offset(at: cutoff - 1), footer: footer)
        guard let footer else { return result }
        while result.transitions.count >= 2 {
            let last = result.transitions.count - 1
            let (previous, at) = (result.transitions[last - 1], result.transitions[last])
            guard footer.offset(at: at) == result.offsets[last], footer.offset(at: previous + 1) == result.offsets[last - 1],
                  (footer.nextTransition(after: previous) ?? Int.max) >= at else { break }
            result.transitions.removeLast()
            result.offsets.removeLast()
        }
        return result
    }

    /// The same offsets with the footer's transitions up to `end` added to the table, so lookups
    /// before `end` are a binary search (as tzcode extends its table to 2037). A table without
    /// transitions starts from 1900.
    func extended(through end: Int) -> ZoneRules {
        guard let footer, footer.daylight != nil else { return self }
        var rules = self
        var cursor = transitions.last ?? -2_208_988_800
        if let last = transitions.last, let lastOffset = offsets.last, footer.offset(at: last + 1) != lastOffset {
            rules.transitions.append(last + 1)
            rules.offsets.append(footer.offset(at: last + 1))
            cursor = last + 1
        }
        while let next = footer.nextTransition(after: cursor), next <= end {
            rules.transitions.append(next)
            rules.offsets.append(footer.offset(at: next))
            cursor = next
        }
        if transitions.isEmpty, let first = rules.transitions.first { rules.initialOffset = footer.offset(at: first - 1) }
        return rules
    }
}
