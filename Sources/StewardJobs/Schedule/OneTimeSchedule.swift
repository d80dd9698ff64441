#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Run once, later, at a given instant ("run later at T").
public struct OneTimeSchedule: Schedule, Hashable {
    /// The instant of the single fire.
    public let instant: Date

    /// Fires once at `instant`.
    public init(at instant: Date) {
        self.instant = instant
    }

    /// `instant` while it lies strictly after `after`; `nil` once it has passed.
    public func nextFire(after: Date) -> Date? {
        instant > after ? instant : nil
    }

    /// `once at 2026-12-01T03:00:00Z`.
    public var description: String {
        "once at \(InstantText.format(instant))"
    }
}
