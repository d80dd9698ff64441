import Synchronization

/// Records what happened, in order, so tests can assert it against groups of expected entries.
///
/// ```swift
/// let trace = Trace()
/// ... components call trace.record("a init") ...
/// #expect(trace.matches([.unordered("a init", "b init"), .ordered("a run", "b run")]))
/// ```
public final class Trace: Sendable {
    /// A step of an expected trace: entries that must appear consecutively, either in exactly this
    /// order or in any order.
    public struct Group: Sendable, CustomStringConvertible {
        /// The entries of the group.
        public let entries: [String]
        /// Whether their order matters.
        public let isOrdered: Bool

        /// Entries that must appear in this order.
        public static func ordered(_ entries: String...) -> Group { Group(entries: entries, isOrdered: true) }
        /// Entries that must appear in this order.
        public static func ordered(_ entries: [String]) -> Group { Group(entries: entries, isOrdered: true) }
        /// Entries that must appear together, in any order.
        public static func unordered(_ entries: String...) -> Group { Group(entries: entries, isOrdered: false) }
        /// Entries that must appear together, in any order.
        public static func unordered(_ entries: [String]) -> Group { Group(entries: entries, isOrdered: false) }

        public var description: String {
            isOrdered ? "[" + entries.joined(separator: " → ") + "]" : "{" + entries.joined(separator: ", ") + "}"
        }
    }

    private struct Waiter {
        let id: UInt64
        let entry: String
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex<(entries: [String], waiters: [Waiter], nextID: UInt64)>(([], [], 0))

    /// Creates an empty trace.
    public init() {}

    /// Appends an entry.
    public func record(_ entry: String) {
        let woken = state.withLock { s -> [Waiter] in
            s.entries.append(entry)
            guard s.waiters.contains(where: { $0.entry == entry }) else { return [] }
            let seen = s.entries.count { $0 == entry }
            let woken = s.waiters.filter { $0.entry == entry && $0.count <= seen }
            s.waiters.removeAll { $0.entry == entry && $0.count <= seen }
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Every entry so far.
    public var entries: [String] { state.withLock { $0.entries } }

    /// Whether `entry` was recorded.
    public func contains(_ entry: String) -> Bool { entries.contains(entry) }

    /// Returns once `entry` has been recorded `count` times (at once if it already was), or when
    /// the task is cancelled (so a test's time limit ends the wait).
    public func waitFor(_ entry: String, count: Int = 1) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if Task.isCancelled || s.entries.count(where: { $0 == entry }) >= count { return true }
                    s.waiters.append(Waiter(id: id, entry: entry, count: count, continuation: continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }

    /// Whether the entries, restricted to those named in `groups`, are exactly the concatenation of
    /// the groups (each unordered group matching in any order).
    public func matches(_ groups: [Group]) -> Bool { mismatch(groups) == nil }

    /// `nil` if the trace matches `groups`, else a readable explanation of the first difference.
    /// Entries no group names are ignored (see ``strictMismatch(_:)`` for a trace that must hold
    /// nothing else).
    public func mismatch(_ groups: [Group]) -> String? {
        let named = Set(groups.flatMap(\.entries))
        return Self.mismatch(entries.filter { named.contains($0) }, groups)
    }

    /// Like ``mismatch(_:)``, but every entry of the trace must be named by a group: an event the
    /// groups do not mention (a restart, a second stop) is a difference too.
    public func strictMismatch(_ groups: [Group]) -> String? {
        let named = Set(groups.flatMap(\.entries))
        if let stranger = entries.first(where: { !named.contains($0) }) {
            return "unexpected entry \"\(stranger)\", named by no group, in \(entries)"
        }
        return Self.mismatch(entries, groups)
    }

    private static func mismatch(_ actual: [String], _ groups: [Group]) -> String? {
        var position = 0
        for group in groups {
            let end = position + group.entries.count
            guard end <= actual.count else {
                return "expected \(group) at position \(position), but the trace ends: \(actual)"
            }
            let slice = Array(actual[position..<end])
            let ok = group.isOrdered ? slice == group.entries : slice.sorted() == group.entries.sorted()
            if !ok { return "expected \(group) at position \(position), found \(slice) in \(actual)" }
            position = end
        }
        if position != actual.count { return "unexpected extra entries \(Array(actual[position...])) in \(actual)" }
        return nil
    }
}
