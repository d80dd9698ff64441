import Foundation
import StewardCore
import StewardJobs
import Testing

private struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

@Suite("Run callbacks: which ones a final state calls", .timeLimit(.minutes(1)))
struct CallbackSemanticsTests {
    /// Callbacks that record "NAME STATE" in order.
    private static func recording(_ calls: Recorder<String>) -> RunCallbacks {
        RunCallbacks(onFinish: { calls.record("onFinish \($0.state)") },
                     onStop: { calls.record("onStop \($0.state)") },
                     onCrash: { calls.record("onCrash \($0.state)") },
                     onSuccess: { calls.record("onSuccess \($0.state)") },
                     onFailure: { calls.record("onFailure \($0.state)") })
    }

    @Test("a job that throws calls onFailure (then onFinish), not onSuccess or onCrash")
    func thrownErrorCallsOnFailure() async throws {
        let h = Harness()
        let calls = Recorder<String>()
        try await h.scheduler.define(JobDefinition(id: "throws", callbacks: Self.recording(calls)) { _ in throw Boom() })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("throws")
        #expect(await h.scheduler.waitForCompletion(of: runId)?.state == .failed)
        #expect(calls.all == ["onFailure failed", "onFinish failed"])
        await h.scheduler.shutdown()
    }

    @Test("a run that succeeds calls onSuccess then onFinish")
    func successCallsOnSuccess() async throws {
        let h = Harness()
        let calls = Recorder<String>()
        try await h.scheduler.define(JobDefinition(id: "fine", callbacks: Self.recording(calls)) { _ in .null })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("fine")
        #expect(await h.scheduler.waitForCompletion(of: runId)?.state == .succeeded)
        #expect(calls.all == ["onSuccess succeeded", "onFinish succeeded"])
        await h.scheduler.shutdown()
    }

    @Test("a stopped run calls onStop, onFailure, onFinish")
    func stopCallsOnStopAndOnFailure() async throws {
        let h = Harness()
        let calls = Recorder<String>()
        try await h.scheduler.define(JobDefinition(id: "halt", callbacks: Self.recording(calls)) { context in
            await context.untilStopRequested()
            return .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("halt")
        _ = try await h.waitFor(runId, .running)
        try await h.scheduler.stop(runId)
        #expect(await h.scheduler.waitForCompletion(of: runId)?.state == .stopped)
        #expect(calls.all == ["onStop stopped", "onFailure stopped", "onFinish stopped"])
        await h.scheduler.shutdown()
    }

    @Test("an onFailure that throws is logged and leaves the state failed")
    func failingOnFailure() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "throws", callbacks: RunCallbacks(onFailure: { _ in throw Boom() })) { _ in
            throw Boom()
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("throws")
        #expect(await h.scheduler.waitForCompletion(of: runId)?.state == .failed)
        #expect(try await h.record(runId).state == .failed)
        #expect(try await h.logTexts(runId) == ["onFailure callback failed: boom"])
        await h.scheduler.shutdown()
    }
}
