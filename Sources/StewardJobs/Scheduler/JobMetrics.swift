#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One job's run figures since this scheduler started, for `/metrics`
/// (``JobScheduler/jobMetrics``).
public struct JobMetrics: Sendable, Hashable {
    /// The upper bounds (seconds) of the run-duration histogram's buckets; a last `+Inf` bucket
    /// is implied: 100 ms, 500 ms, 1 s, 5 s, 15 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h, 3 h.
    public static let durationBuckets: [Double] = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600, 10800]

    /// The job.
    public var id: JobID
    /// Runs that reached each final state (states without runs are absent).
    public var runsByState: [RunState: Int]
    /// Runs executing now.
    public var running: Int
    /// When its latest successful run ended: since this scheduler started, or found among the
    /// job's 50 newest runs in the journal when it was defined.
    public var lastSuccess: Date?
    /// The next schedule fire, when enabled and scheduled.
    public var nextFire: Date?
    /// Per bucket of ``durationBuckets``: how many runs that started and ended took at most its
    /// bound (cumulative, as Prometheus wants); the `+Inf` bucket is ``durationCount``.
    public var durationBucketCounts: [Int]
    /// The sum of those runs' durations, in seconds.
    public var durationSum: Double
    /// How many runs that started and ended were measured.
    public var durationCount: Int

    /// Creates figures with no runs.
    public init(id: JobID, runsByState: [RunState: Int] = [:], running: Int = 0, lastSuccess: Date? = nil, nextFire: Date? = nil,
                durationBucketCounts: [Int] = Array(repeating: 0, count: JobMetrics.durationBuckets.count),
                durationSum: Double = 0, durationCount: Int = 0) {
        self.id = id
        self.runsByState = runsByState
        self.running = running
        self.lastSuccess = lastSuccess
        self.nextFire = nextFire
        self.durationBucketCounts = durationBucketCounts
        self.durationSum = durationSum
        self.durationCount = durationCount
    }

    /// Counts one run that reached a final state.
    mutating func count(_ record: RunRecord) {
        runsByState[record.state, default: 0] += 1
        if record.state == .succeeded, let finishedAt = record.finishedAt, finishedAt > (lastSuccess ?? .distantPast) {
            lastSuccess = finishedAt
        }
        guard let milliseconds = record.durationMs else { return }
        let seconds = Double(milliseconds) / 1000
        for (index, bound) in Self.durationBuckets.enumerated() where seconds <= bound { durationBucketCounts[index] += 1 }
        durationSum += seconds
        durationCount += 1
    }
}
