/// A min-heap of deadlines keyed by registration id, at most one per id: inserting and removing
/// are O(log n), so registrations that end early leave nothing behind. The watcher sleeps until
/// ``earliest`` — there is no periodic tick.
struct DeadlineQueue {
    private var entries: [(deadline: ContinuousClock.Instant, id: UInt64)] = []
    private var positions: [UInt64: Int] = [:]

    /// The number of ids with a deadline.
    var count: Int { entries.count }

    /// The nearest deadline.
    var earliest: ContinuousClock.Instant? { entries.first?.deadline }

    /// Adds the deadline of `id` (which has none yet).
    mutating func insert(_ id: UInt64, _ deadline: ContinuousClock.Instant) {
        remove(id)
        entries.append((deadline, id))
        positions[id] = entries.count - 1
        siftUp(entries.count - 1)
    }

    /// Removes the deadline of `id` (a no-op without one).
    mutating func remove(_ id: UInt64) {
        guard let position = positions.removeValue(forKey: id) else { return }
        let last = entries.count - 1
        if position != last {
            entries[position] = entries[last]
            positions[entries[position].id] = position
        }
        entries.removeLast()
        if position < entries.count {
            siftUp(position)
            siftDown(position)
        }
    }

    /// Removes and returns the ids whose deadline is at or before `now`, earliest first.
    mutating func popExpired(now: ContinuousClock.Instant) -> [UInt64] {
        var expired: [UInt64] = []
        while let first = entries.first, first.deadline <= now {
            expired.append(first.id)
            remove(first.id)
        }
        return expired
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count && entries[left].deadline < entries[smallest].deadline { smallest = left }
            if right < entries.count && entries[right].deadline < entries[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        entries.swapAt(a, b)
        positions[entries[a].id] = a
        positions[entries[b].id] = b
    }
}
