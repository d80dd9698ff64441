import Synchronization

/// Limits how many throwaway PostgreSQL servers the suite runs at once (each costs an `initdb`
/// and a server's start on a 2-core machine shared with the rest of the suite). A test waits
/// (suspended, never blocking a thread) until a slot is free.
final class ServerSlots: Sendable {
    static let shared = ServerSlots(limit: 3)

    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(limit: Int) { state = Mutex(State(free: limit)) }

    /// A slot held: released when the ticket is deinitialized.
    final class Ticket: Sendable {
        let slots: ServerSlots
        init(_ slots: ServerSlots) { self.slots = slots }
        deinit { slots.release() }
    }

    /// Waits for a free slot and takes it.
    func acquire() async -> Ticket {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { s -> Bool in
                guard s.free > 0 else {
                    s.waiters.append(continuation)
                    return false
                }
                s.free -= 1
                return true
            }
            if granted { continuation.resume() }
        }
        return Ticket(self)
    }

    /// Gives a slot back (to the first waiter, if any).
    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.free += 1
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
