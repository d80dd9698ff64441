#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the scheduler persists per job definition so that a restart (or a wall-clock jump) does
/// not lose or repeat fires.
public struct JobDefinitionState: Sendable, Hashable {
    /// The definition.
    public var jobId: JobID
    /// An explicit enable/disable made at runtime, which wins over the definition's own flag on
    /// the next start; `nil` when never changed.
    public var isEnabled: Bool?
    /// The latest schedule fire handled (run, coalesced or recorded missed). Fires at or before
    /// it are never fired again, whatever the clock says.
    public var lastFired: Date?
    /// A schedule given at runtime, which wins over the definition's on the next start; `nil`
    /// when never changed (or reset).
    public var scheduleOverride: ScheduleOverride?
    /// The ``JobDefinition/revision`` the runtime changes (``isEnabled``, ``scheduleOverride``)
    /// were made against: a definition of another revision drops them.
    public var revision: String?

    /// Creates a state.
    public init(jobId: JobID, isEnabled: Bool? = nil, lastFired: Date? = nil, scheduleOverride: ScheduleOverride? = nil,
                revision: String? = nil) {
        self.jobId = jobId
        self.isEnabled = isEnabled
        self.lastFired = lastFired
        self.scheduleOverride = scheduleOverride
        self.revision = revision
    }
}
