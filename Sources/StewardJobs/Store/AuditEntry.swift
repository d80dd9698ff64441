#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One operator action, as the audit keeps it: when, who asked, what was done to what, and how
/// it went.
///
/// ```
/// 2026-12-04T21:30:00Z  uid 1000  trigger  report  run 01JF… queued  (run 01JF…)
/// ```
public struct AuditEntry: Sendable, Hashable {
    /// When the action was asked for.
    public var at: Date
    /// Who asked: `uid 1000` (the control socket's peer), `http` (TCP with the token) or
    /// `monitor` (the web monitor).
    public var actor: String
    /// What was asked: `trigger`, `stop`, `start`, `restart`, `signal`, `reload`, `shutdown`, …
    public var action: String
    /// What it was asked of: a job, process or run name; empty for steward itself.
    public var target: String
    /// How it went, for people (steward's answer, or why it was refused).
    public var detail: String
    /// The run the action concerns (the run triggered or stopped), if any.
    public var runId: RunID?

    /// Creates an entry.
    public init(at: Date, actor: String, action: String, target: String, detail: String = "", runId: RunID? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
        self.runId = runId
    }
}
