import Foundation
import StewardCore
import StewardJobs
import Synchronization
import Testing

/// A failure of a test helper (a wait that ran out of time).
struct TestTimeout: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` until it holds, with a real-time deadline; records an issue and throws if
/// it never does. Polling only decides when to look again, never whether the test passes.
func eventually(_ what: String, within limit: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while true {
        if try await condition() { return }
        if ContinuousClock.now >= deadline {
            Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
            throw TestTimeout(description: what)
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// A scheduler on a manual clock and an in-memory store, with a quiet logger.
struct Harness {
    let clock: ManualJobClock
    let store: InMemoryRunStore
    let scheduler: JobScheduler
    let logs: MemoryLogSink

    init(workerLimit: Int? = nil, random: Double = 0, store: InMemoryRunStore = InMemoryRunStore(),
         clock: ManualJobClock = ManualJobClock(), missedRecordLimit: Int = 100) {
        self.clock = clock
        self.store = store
        let logs = MemoryLogSink()
        self.logs = logs
        let options = JobSchedulerOptions(workerLimit: workerLimit, logger: Logger(label: "jobs", sink: logs, level: .debug),
                                          random: { random }, missedRecordLimit: missedRecordLimit)
        scheduler = JobScheduler(store: store, clock: clock, options: options)
    }

    /// Every record of `jobId`, oldest first.
    func runs(of jobId: JobID) -> [RunRecord] {
        store.allRuns.filter { $0.jobId == jobId }
    }

    /// The store's record of `runId`.
    func record(_ runId: RunID) async throws -> RunRecord {
        guard let record = try await store.run(runId) else { throw TestTimeout(description: "no record \(runId)") }
        return record
    }

    /// Waits until the store holds `runId` in `state`.
    func waitFor(_ runId: RunID, _ state: RunState, sourceLocation: SourceLocation = #_sourceLocation) async throws -> RunRecord {
        try await eventually("run \(runId) \(state)", sourceLocation: sourceLocation) {
            try await store.run(runId)?.state == state
        }
        return try await record(runId)
    }

    /// Waits until `count` records of `jobId` match `predicate`.
    @discardableResult
    func waitForRuns(of jobId: JobID, count: Int, sourceLocation: SourceLocation = #_sourceLocation,
                     where predicate: @escaping (RunRecord) -> Bool = { _ in true }) async throws -> [RunRecord] {
        try await eventually("\(count) runs of \(jobId)", sourceLocation: sourceLocation) {
            runs(of: jobId).filter(predicate).count >= count
        }
        return runs(of: jobId).filter(predicate)
    }

    /// The texts of a run's log.
    func logTexts(_ runId: RunID) async throws -> [String] {
        try await store.readLog(runId, from: 0, limit: nil).lines.map(\.text)
    }
}

/// A gate jobs wait on until the test opens it.
final class Gate: Sendable {
    private let latch = Latch()
    func open() { latch.fire() }
    /// Waits; returns early when the task is cancelled (a cooperative job).
    func wait() async { await latch.wait() }
    /// Waits whatever happens to the task (a job that ignores stop requests).
    func waitIgnoringCancellation() async { await latch.waitIgnoringCancellation() }
}

/// A thread-safe list of observations.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func record(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
    var count: Int { values.withLock { $0.count } }
}

/// Counts concurrent executions and remembers the peak.
final class ConcurrencyMeter: Sendable {
    private let state = Mutex<(current: Int, peak: Int)>((0, 0))
    func enter() { state.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) } }
    func leave() { state.withLock { $0.current -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
    var current: Int { state.withLock { $0.current } }
}
