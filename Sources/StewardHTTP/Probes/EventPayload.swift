import StewardCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A `LifecycleEvent` as JSON, for `/events` (Server-Sent Events) and logs of other tools:
/// `{"component":"web","phase":"run","outcome":"restarting","attempt":2,"delayMs":400,…}`.
public struct EventPayload: Codable, Sendable, Equatable {
    /// The component, for component events.
    public var component: String?
    /// The phase (`inject`, `init`, `run`, `stop`, `finalize`).
    public var phase: String?
    /// What happened in that phase (`started`, `succeeded`, `failed`, `restarting`, …).
    public var outcome: String?
    /// An application milestone (`ready`, `shutdown`, …) instead of a component event.
    public var milestone: String?
    /// Milliseconds since the application started.
    public var timeMs: Int64
    /// When the event was seen (wall clock).
    public var at: Date
    /// The error, if any.
    public var error: String?
    /// The `run` attempt.
    public var attempt: Int?
    /// The restart delay in milliseconds.
    public var delayMs: Int64?
    /// Why shutdown began.
    public var cause: String?

    /// Converts `event`.
    public init(_ event: LifecycleEvent, at date: Date = .now) {
        component = event.component
        phase = event.phase.map { "\($0)" }
        outcome = event.outcome.map { "\($0)" }
        milestone = event.milestone.map { "\($0)" }
        timeMs = Self.milliseconds(event.time)
        at = date
        error = event.error.map { "\($0)" }
        attempt = event.attempt
        delayMs = event.delay.map(Self.milliseconds)
        cause = event.cause.map { "\($0)" }
    }

    /// The SSE event name: `milestone` or `component`.
    public var kind: String { milestone == nil ? "component" : "milestone" }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
