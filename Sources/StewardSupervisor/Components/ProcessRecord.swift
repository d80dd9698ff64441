import StewardCore
import StewardProcesses
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a ``SupervisedProcess`` remembers of its child across restarts: the mutable half of
/// ``ProcessSnapshot``, kept under the process's lock.
struct ProcessRecord {
    var starts = 0
    var startedAt: Date?
    var readyAt: Date?
    var lastExit: ExitStatus?
    var lastExitAt: Date?
    var probeFailure: ProbeFailure?
    var probeFailures = 0
    /// Set while an operator holds the process stopped; fires when they start it again.
    var held: Latch?
    /// The child's next exit was caused by an operator (stop or restart), not by the child.
    var operatorExitPending = false

    mutating func started() {
        starts += 1
        startedAt = .now
        readyAt = nil
        probeFailure = nil
    }

    mutating func exited(_ status: ExitStatus) {
        lastExit = status
        lastExitAt = .now
        startedAt = nil
        readyAt = nil
    }

    /// Whether the exit just seen was an operator's doing (and forgets it).
    mutating func takeOperatorExit() -> Bool {
        defer { operatorExitPending = false }
        return operatorExitPending
    }

    func snapshot(pid: Int32?) -> ProcessSnapshot {
        ProcessSnapshot(pid: pid, starts: starts, startedAt: pid == nil ? nil : startedAt, readyAt: readyAt,
                        lastExit: lastExit, lastExitAt: lastExitAt, probeFailures: probeFailures,
                        heldByOperator: held != nil)
    }
}

/// A point-in-time view of a supervised process's child, for `steward status`, `/status` and
/// `/metrics`.
public struct ProcessSnapshot: Sendable, Equatable {
    /// The running child's pid; `nil` when none runs.
    public var pid: Int32?
    /// How many times the child was started.
    public var starts: Int
    /// When the running child was started (wall clock); `nil` when none runs.
    public var startedAt: Date?
    /// When the running child passed its readiness check; `nil` if it has not (yet).
    public var readyAt: Date?
    /// How the child last ended.
    public var lastExit: ExitStatus?
    /// When the child last ended.
    public var lastExitAt: Date?
    /// Readiness and liveness checks that failed, over the process's whole life.
    public var probeFailures: Int
    /// An operator stopped the process (`steward stop NAME`); it stays down until started.
    public var heldByOperator: Bool
}
