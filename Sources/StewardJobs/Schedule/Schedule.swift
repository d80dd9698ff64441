#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// When a job fires: a pure function from an instant to the next fire strictly after it.
///
/// Schedules hold no mutable state, so the scheduler can ask them anything (the next fire after
/// `now`, every fire missed during downtime) and a persisted last-fired instant is all it needs to
/// resume. Instants are absolute (`Date`, UTC); a schedule that reads wall-clock fields (cron,
/// calendar presets) carries its own time zone.
public protocol Schedule: Sendable, CustomStringConvertible {
    /// The first fire strictly after `instant`; `nil` when there is none (an impossible cron
    /// expression, an interval past its end or repeat count, a one-time fire already passed).
    func nextFire(after instant: Date) -> Date?
}
