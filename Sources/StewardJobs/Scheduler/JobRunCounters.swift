#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Counts what the scheduler's run records say, per job: final states, runs executing, the
/// latest success, durations. Fed every record change the scheduler publishes.
final class JobRunCounters: Sendable {
    private struct State {
        var jobs: [JobID: JobMetrics] = [:]
        var running: [JobID: Set<RunID>] = [:]
    }

    private let state = Mutex(State())

    /// Takes in one published record (queued, running or final).
    func observe(_ record: RunRecord) {
        state.withLock { s in
            if record.state == .running {
                s.running[record.jobId, default: []].insert(record.runId)
                return
            }
            guard record.state.isFinal else { return }
            s.running[record.jobId]?.remove(record.runId)
            s.jobs[record.jobId, default: JobMetrics(id: record.jobId)].count(record)
        }
    }

    /// Remembers a success found in the journal (when a job is defined).
    func seed(_ jobId: JobID, lastSuccess: Date) {
        state.withLock { s in
            var metrics = s.jobs[jobId] ?? JobMetrics(id: jobId)
            if lastSuccess > (metrics.lastSuccess ?? .distantPast) { metrics.lastSuccess = lastSuccess }
            s.jobs[jobId] = metrics
        }
    }

    /// The figures of `jobId` now (no ``JobMetrics/nextFire``).
    func metrics(_ jobId: JobID) -> JobMetrics {
        state.withLock { s in
            var metrics = s.jobs[jobId] ?? JobMetrics(id: jobId)
            metrics.running = s.running[jobId]?.count ?? 0
            return metrics
        }
    }
}
