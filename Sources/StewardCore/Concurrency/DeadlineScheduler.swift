import Synchronization

/// All of one runner's timeouts on a single sleeping task: a min-heap of deadlines, and one task
/// that sleeps (on the injected clock) until the earliest and then runs every action that is due.
///
/// A timeout per `stop`, per shutdown wait and per `finalize` of 100,000 components would otherwise
/// be 300,000 sleeping tasks, each holding memory until its deadline even after cancellation.
/// Cancelled entries are removed lazily (skipped when popped; the heap is compacted when more than
/// half of it is dead), so cancelling costs a dictionary removal and never re-arms the sleeper.
final class DeadlineScheduler: Sendable {
    /// Identifies a scheduled action for ``cancel(_:)``.
    struct Token: Sendable, Hashable { fileprivate let id: UInt64 }

    private struct Entry {
        let deadline: Duration
        let id: UInt64
    }

    private struct State {
        var heap: [Entry] = []
        var actions: [UInt64: @Sendable () -> Void] = [:]
        var nextID: UInt64 = 0
        /// The deadline the sleeper task is sleeping until, if one is running.
        var armedFor: Duration?
        var sleeper: Task<Void, Never>?
        var generation: UInt64 = 0
    }

    private let clock: RunnerClock
    private let state = Mutex(State())

    init(clock: RunnerClock) { self.clock = clock }

    /// Runs `action` once at `deadline` (clock offset), unless cancelled first. An action whose
    /// deadline has already passed runs on the next wake-up, promptly.
    func schedule(at deadline: Duration, _ action: @escaping @Sendable () -> Void) -> Token {
        state.withLock { s in
            s.nextID += 1
            let id = s.nextID
            s.actions[id] = action
            Self.push(Entry(deadline: deadline, id: id), into: &s.heap)
            if s.armedFor.map({ deadline < $0 }) ?? true { arm(&s, for: deadline) }
            return Token(id: id)
        }
    }

    /// Forgets a scheduled action; a no-op if it already ran or was cancelled.
    func cancel(_ token: Token?) {
        guard let token else { return }
        state.withLock { s in
            guard s.actions.removeValue(forKey: token.id) != nil else { return }
            if s.heap.count > 64, s.heap.count > 2 * s.actions.count {
                s.heap = s.heap.filter { s.actions[$0.id] != nil }
                s.heap.sort { $0.deadline < $1.deadline }  // a sorted array is a valid min-heap
            }
        }
    }

    /// Stops the sleeper; scheduled actions never run.
    func shutdown() {
        let sleeper = state.withLock { s -> Task<Void, Never>? in
            s.actions = [:]
            s.heap = []
            s.armedFor = nil
            defer { s.sleeper = nil }
            return s.sleeper
        }
        sleeper?.cancel()
    }

    private func arm(_ s: inout State, for deadline: Duration) {
        s.sleeper?.cancel()
        s.generation += 1
        let generation = s.generation
        s.armedFor = deadline
        s.sleeper = Task { [clock] in
            do { try await clock.sleep(until: deadline) } catch { return }
            self.fireDue(generation: generation)
        }
    }

    private func fireDue(generation: UInt64) {
        let now = clock.now
        let due = state.withLock { s -> [@Sendable () -> Void] in
            guard s.generation == generation else { return [] }
            var due: [@Sendable () -> Void] = []
            while let top = s.heap.first, top.deadline <= now {
                Self.popMin(from: &s.heap)
                if let action = s.actions.removeValue(forKey: top.id) { due.append(action) }
            }
            while let top = s.heap.first, s.actions[top.id] == nil { Self.popMin(from: &s.heap) }
            s.armedFor = nil
            s.sleeper = nil
            if let next = s.heap.first { arm(&s, for: next.deadline) }
            return due
        }
        for action in due { action() }
    }

    private static func push(_ entry: Entry, into heap: inout [Entry]) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func popMin(from heap: inout [Entry]) {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
