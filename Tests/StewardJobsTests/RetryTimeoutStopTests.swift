import Foundation
import StewardCore
import StewardJobs
import Testing

private struct Boom: Error, CustomStringConvertible {
    let attempt: Int
    var description: String { "boom on attempt \(attempt)" }
}

@Suite("Retries, timeouts and stops", .timeLimit(.minutes(1)))
struct RetryTimeoutStopTests {
    @Test("backoff grows exponentially, is capped, and jitter shortens it by up to its fraction")
    func backoffArithmetic() {
        let policy = RetryPolicy(maximumAttempts: 10, initialBackoff: .seconds(2), maximumBackoff: .seconds(30), jitter: 0.5)
        #expect(policy.backoff(afterAttempt: 1, random: 0) == .seconds(2))
        #expect(policy.backoff(afterAttempt: 2, random: 0) == .seconds(4))
        #expect(policy.backoff(afterAttempt: 4, random: 0) == .seconds(16))
        #expect(policy.backoff(afterAttempt: 5, random: 0) == .seconds(30))
        #expect(policy.backoff(afterAttempt: 60, random: 0) == .seconds(30))
        #expect(policy.backoff(afterAttempt: 2, random: 1) == .seconds(2))
        #expect(policy.backoff(afterAttempt: 2, random: 0.5) == .seconds(3))
    }

    @Test("a failing run is retried after its backoff and succeeds on the third attempt")
    func retryThenSuccess() async throws {
        let h = Harness()
        let attempts = Recorder<Int>()
        try await h.scheduler.define(JobDefinition(
            id: "flaky", retry: RetryPolicy(maximumAttempts: 5, initialBackoff: .seconds(10), maximumBackoff: .seconds(60), jitter: 0.2)
        ) { context in
            attempts.record(context.attempt)
            if context.attempt < 3 { throw Boom(attempt: context.attempt) }
            return "ok"
        })
        await h.scheduler.start()
        let first = try await h.scheduler.trigger("flaky", input: ["n": 1])
        _ = try await h.waitFor(first, .failed)
        await h.clock.waitForElapsedSleeper(at: .seconds(10))  // random 0: the full backoff
        #expect(h.runs(of: "flaky").last?.state == .queued)
        #expect(h.runs(of: "flaky").last?.scheduledFor == h.clock.now.plus(10))
        h.clock.advance(by: .seconds(10))
        try await h.waitForRuns(of: "flaky", count: 2) { $0.state == .failed }
        await h.clock.waitForElapsedSleeper(at: .seconds(30))  // 10 + 20
        h.clock.advance(by: .seconds(20))
        let done = try await h.waitForRuns(of: "flaky", count: 1) { $0.state == .succeeded }
        let runs = h.runs(of: "flaky")
        #expect(runs.map(\.attempt) == [1, 2, 3])
        #expect(runs.map(\.state) == [.failed, .failed, .succeeded])
        #expect(runs.map(\.trigger) == [.manual(requestedBy: nil), .retry, .retry])
        #expect(runs[1].retryOf == runs[0].runId && runs[2].retryOf == runs[1].runId)
        #expect(runs.allSatisfy { $0.input == ["n": 1] })
        #expect(runs[0].error == "boom on attempt 1")
        #expect(done.first?.output == "ok")
        #expect(attempts.all == [1, 2, 3])
        await h.scheduler.shutdown()
    }

    @Test("retries stop after the last attempt; a trigger during the backoff is skipped (the retry holds the slot)")
    func retriesExhausted() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "bad", retry: RetryPolicy(maximumAttempts: 2, initialBackoff: .seconds(5))) { context in
            throw Boom(attempt: context.attempt)
        })
        await h.scheduler.start()
        let first = try await h.scheduler.trigger("bad")
        _ = try await h.waitFor(first, .failed)
        await h.clock.waitForElapsedSleeper(at: .seconds(5))
        let blocked = try await h.scheduler.trigger("bad")
        #expect(try await h.record(blocked).state == .skipped)
        h.clock.advance(by: .seconds(5))
        try await h.waitForRuns(of: "bad", count: 2) { $0.state == .failed }
        try await eventually("the scheduler idle") { h.scheduler.jobs.first?.activeRuns == 0 }
        #expect(h.clock.elapsedSleeperDeadlines.isEmpty)
        #expect(h.runs(of: "bad").filter { $0.state == .failed }.map(\.attempt) == [1, 2])
        await h.scheduler.shutdown()
    }

    @Test("a run past its timeout is stopped and recorded timedOut, then retried")
    func timeout() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "slow", timeout: .seconds(30),
                                                   retry: RetryPolicy(maximumAttempts: 2, initialBackoff: .seconds(1))) { context in
            await context.untilStopRequested()
            try context.checkCancellation()
            return .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("slow")
        _ = try await h.waitFor(runId, .running)
        await h.clock.waitForElapsedSleeper(at: .seconds(30))
        h.clock.advance(by: .seconds(30))
        let record = try await h.waitFor(runId, .timedOut)
        #expect(record.error == "timed out after 30.0 seconds")
        try await h.waitForRuns(of: "slow", count: 1) { $0.trigger == .retry }
        await h.scheduler.shutdown()
        #expect(h.runs(of: "slow").allSatisfy { $0.state.isFinal })
    }

    @Test("stopping a cooperating run ends it stopped; stopped runs are never retried")
    func stopCooperating() async throws {
        let h = Harness()
        let cancelled = Recorder<Bool>()
        let started = Recorder<RunID>()
        try await h.scheduler.define(JobDefinition(id: "coop", retry: RetryPolicy(maximumAttempts: 3)) { context in
            started.record(context.runId)
            do {
                try await Task.sleep(for: .seconds(3600))  // task cancellation arrives with the stop
            } catch {
                cancelled.record(context.isStopRequested)
                throw error
            }
            return .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("coop")
        try await eventually("the job executing") { started.count == 1 }
        try await h.scheduler.stop(runId)
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .stopped)
        #expect(record?.error == "stopped on request")
        #expect(try await h.record(runId).state == .stopped)
        #expect(cancelled.all == [true])
        #expect(h.runs(of: "coop").count == 1)
        await h.scheduler.shutdown()
    }

    @Test("a run ignoring the stop is killed after the grace period and recorded killed, never stuck")
    func stopIgnoring() async throws {
        let h = Harness()
        let gate = Gate()
        let started = Recorder<RunID>()
        try await h.scheduler.define(JobDefinition(id: "stubborn", retry: RetryPolicy(maximumAttempts: 3),
                                                   stopGracePeriod: .seconds(5)) { context in
            started.record(context.runId)
            await gate.waitIgnoringCancellation()
            return .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("stubborn")
        try await eventually("the job executing") { started.count == 1 }
        try await h.scheduler.stop(runId)
        await h.clock.waitForElapsedSleeper(at: .seconds(5))
        #expect(try await h.record(runId).state == .running)
        h.clock.advance(by: .seconds(5))
        let record = try await h.waitFor(runId, .killed)
        #expect(record.error == "stopped on request; killed after the grace period of 5.0 seconds")
        #expect(try await h.logTexts(runId).contains("did not stop within 5.0 seconds; killed"))
        #expect(h.runs(of: "stubborn").count == 1)
        gate.open()
        await h.scheduler.shutdown()
    }

    @Test("a run whose job was replaced while it ran is not retried, and shutdown is not held up by it")
    func noRetryForReplacedDefinition() async throws {
        let h = Harness()
        let gate = Gate()
        func definition(_ description: String) -> JobDefinition {
            JobDefinition(id: "flaky", description: description, retry: RetryPolicy(maximumAttempts: 3, initialBackoff: .seconds(5))) { context in
                await gate.waitIgnoringCancellation()
                throw Boom(attempt: context.attempt)
            }
        }
        try await h.scheduler.define(definition("v1"))
        await h.scheduler.start()
        let first = try await h.scheduler.trigger("flaky")
        _ = try await h.waitFor(first, .running)
        try await h.scheduler.remove("flaky")
        try await h.scheduler.define(definition("v2"))
        gate.open()
        _ = try await h.waitFor(first, .failed)
        #expect(h.runs(of: "flaky").count == 1, "no retry of a run the new definition does not own: \(h.runs(of: "flaky"))")
        let next = try await h.scheduler.trigger("flaky")
        _ = try await h.waitFor(next, .failed)  // the new definition runs normally (and its retry waits)
        await h.scheduler.shutdown()
        #expect(h.runs(of: "flaky").allSatisfy { $0.state.isFinal })
    }
}
