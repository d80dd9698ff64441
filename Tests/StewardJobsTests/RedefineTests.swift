import Foundation
import StewardCore
import StewardJobs
import Synchronization
import Testing

/// A changed definition (a config reload) replaces the job in place: what it is doing carries
/// over. Found in review: remove-then-define dropped a queueOne job's queued run, let a `skip`
/// job run twice at once, and dropped a pending retry, without a word.
@Suite("Redefining a job in place", .timeLimit(.minutes(1)))
struct RedefineTests {
    @Test("a skip job's active run still holds the overlap slot after a redefinition; the queued run of a queueOne job survives")
    func overlapCarriesOver() async throws {
        let h = Harness()
        let gate = Gate()
        let meter = ConcurrencyMeter()
        let work: @Sendable (JobContext) async throws -> JobValue = { _ in
            meter.enter()
            await gate.wait()
            meter.leave()
            return .null
        }
        try await h.scheduler.define(JobDefinition(id: "solo", job: ClosureJob(work)))
        try await h.scheduler.define(JobDefinition(id: "q", overlap: .queueOne, job: ClosureJob(work)))
        await h.scheduler.start()
        let active = try await h.scheduler.trigger("solo")
        _ = try await h.waitFor(active, .running)
        let first = try await h.scheduler.trigger("q")
        _ = try await h.waitFor(first, .running)
        let queued = try await h.scheduler.trigger("q")
        #expect(try await h.record(queued).state == .queued)

        var changed = JobDefinition(id: "solo", description: "changed", job: ClosureJob(work))
        changed.tags = ["new"]
        try await h.scheduler.redefine(changed)
        try await h.scheduler.redefine(JobDefinition(id: "q", description: "changed", overlap: .queueOne, job: ClosureJob(work)))
        #expect(h.scheduler.jobs.first { $0.id == "solo" }?.description == "changed")
        #expect(h.scheduler.jobs.first { $0.id == "solo" }?.activeRuns == 1)

        let second = try await h.scheduler.trigger("solo")
        #expect(try await h.record(second).state == .skipped, "the active run still counts")
        #expect(try await h.record(queued).state == .queued, "the queued run is still waiting")
        gate.open()
        let done = try await h.waitForRuns(of: "q", count: 2) { $0.state == .succeeded }
        #expect(Set(done.map(\.runId)) == [first, queued])
        #expect(try await h.waitFor(active, .succeeded).state == .succeeded)
        #expect(meter.peak <= 2)  // one of each job at most
        await h.scheduler.shutdown()
    }

    @Test("a retry sleeping its backoff when the job is redefined still runs")
    func retryCarriesOver() async throws {
        let h = Harness()
        let attempts = Attempts()
        let work: @Sendable (JobContext) async throws -> JobValue = { _ in
            if attempts.next() == 1 { throw Attempts.FirstFails() }
            return .null
        }
        try await h.scheduler.define(JobDefinition(id: "flaky", retry: RetryPolicy(maximumAttempts: 2, initialBackoff: .seconds(30)), job: ClosureJob(work)))
        await h.scheduler.start()
        let first = try await h.scheduler.trigger("flaky")
        _ = try await h.waitFor(first, .failed)
        await h.clock.waitForElapsedSleeper(at: .seconds(30))  // the retry sleeps its backoff
        try await h.scheduler.redefine(JobDefinition(id: "flaky", description: "changed",
                                                     retry: RetryPolicy(maximumAttempts: 2, initialBackoff: .seconds(30)), job: ClosureJob(work)))
        h.clock.advance(by: .seconds(31))
        let retried = try await h.waitForRuns(of: "flaky", count: 1) { $0.state == .succeeded }
        #expect(retried.first?.retryOf == first)
        await h.scheduler.shutdown()
    }

    @Test("redefining an unknown job is an error and defines nothing")
    func unknownJob() async throws {
        let h = Harness()
        await #expect(throws: JobSchedulerError.self) {
            try await h.scheduler.redefine(JobDefinition(id: "nope") { _ in .null })
        }
        #expect(h.scheduler.jobs.isEmpty)
    }
}

/// Counts a job's attempts; the first one fails.
private final class Attempts: Sendable {
    struct FirstFails: Error {}
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
}
