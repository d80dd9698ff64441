import Foundation
import StewardJobs

/// Fires at a fixed list of instants.
struct InstantListSchedule: Schedule {
    let instants: [Date]

    init(_ instants: [Date]) { self.instants = instants.sorted() }

    func nextFire(after instant: Date) -> Date? { instants.first { $0 > instant } }

    var description: String { "fixed(\(instants.count))" }
}

/// Fires every `period` seconds from `origin` (origin itself included), forever.
struct EveryPeriodSchedule: Schedule {
    let origin: Date
    let period: TimeInterval

    func nextFire(after instant: Date) -> Date? {
        if instant < origin { return origin }
        let steps = ((instant.timeIntervalSince(origin)) / period).rounded(.down) + 1
        return origin.addingTimeInterval(steps * period)
    }

    var description: String { "every \(period)s" }
}

extension Date {
    /// `self` plus `seconds`.
    func plus(_ seconds: TimeInterval) -> Date { addingTimeInterval(seconds) }
}
