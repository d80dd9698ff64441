/// A min-heap of deadlines keyed by an id, with at most one deadline per id: setting, updating or
/// removing an id's deadline is O(log n). Event loops (the HTTP server's, the descriptor
/// watcher's) sleep until ``earliest`` and have no periodic tick.
package struct DeadlineHeap<Deadline: Comparable> {
    private var entries: [(deadline: Deadline, id: UInt64)] = []
    private var positions: [UInt64: Int] = [:]

    /// An empty heap.
    package init() {}

    /// The number of ids with a deadline.
    package var count: Int { entries.count }

    /// The nearest deadline and its id.
    package var earliest: (deadline: Deadline, id: UInt64)? { entries.first }

    /// The deadline of `id`, if any.
    package func deadline(of id: UInt64) -> Deadline? { positions[id].map { entries[$0].deadline } }

    /// Sets (or, with `nil`, removes) the deadline of `id`.
    package mutating func set(_ id: UInt64, _ deadline: Deadline?) {
        guard let deadline else { remove(id); return }
        if let position = positions[id] {
            let old = entries[position].deadline
            guard old != deadline else { return }
            entries[position].deadline = deadline
            if deadline < old { siftUp(position) } else { siftDown(position) }
        } else {
            entries.append((deadline, id))
            positions[id] = entries.count - 1
            siftUp(entries.count - 1)
        }
    }

    /// Removes the deadline of `id` (a no-op without one).
    package mutating func remove(_ id: UInt64) {
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
    package mutating func popExpired(now: Deadline) -> [UInt64] {
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
