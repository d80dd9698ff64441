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

    /// Creates a state.
    public init(jobId: JobID, isEnabled: Bool? = nil, lastFired: Date? = nil) {
        self.jobId = jobId
        self.isEnabled = isEnabled
        self.lastFired = lastFired
    }
}
