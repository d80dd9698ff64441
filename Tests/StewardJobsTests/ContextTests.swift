import Foundation
import StewardCore
import StewardJobs
import Testing

private struct CallbackFailure: Error, CustomStringConvertible {
    var description: String { "callback exploded" }
}

@Suite("Run context: progress, logs, callbacks", .timeLimit(.minutes(1)))
struct ContextTests {
    @Test("progress fractions are clamped to 0…1, visible while running, and set to 1 on success")
    func progress() async throws {
        let h = Harness()
        let gate = Gate()
        let checkpoint = Gate()
        try await h.scheduler.define(JobDefinition(id: "p") { context in
            context.reportProgress("too far", fraction: 1.7)
            context.reportProgress(fraction: -0.5)
            context.reportProgress(fraction: .nan)  // ignored
            checkpoint.open()
            await gate.wait()
            context.reportProgress("halfway", fraction: 0.5)
            return .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("p")
        await checkpoint.wait()
        try await eventually("progress visible in the store") {
            try await h.store.run(runId)?.progress == RunProgress(message: "too far", fraction: 0)
        }
        gate.open()
        let record = try await h.waitFor(runId, .succeeded)
        #expect(record.progress == RunProgress(message: "halfway", fraction: 1))
        #expect(RunProgress(fraction: 3).fraction == 1)
        #expect(RunProgress(fraction: -3).fraction == 0)
        await h.scheduler.shutdown()
    }

    @Test("log lines are byte-exact: brackets, embedded newlines, quotes, tabs and any Unicode")
    func byteExactLog() async throws {
        let h = Harness()
        let texts = ["[bracketed] {\"json\": [1, 2]} <tag> \\ back", "first line\nsecond line\r\nthird", "tab\there",
                     "ünïcödé — 日本語 — 🎉👩‍👩‍👧", "", "  padded  "]
        try await h.scheduler.define(JobDefinition(id: "log") { context in
            for (index, text) in texts.enumerated() { context.log(index.isMultiple(of: 2) ? .info : .warning, text) }
            return .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("log")
        _ = await h.scheduler.waitForCompletion(of: runId)
        let lines = try await h.store.readLog(runId, from: 0, limit: nil).lines
        #expect(lines.map(\.text) == texts)
        #expect(lines.map(\.offset) == Array(0..<texts.count))
        #expect(lines.map(\.level) == [.info, .warning, .info, .warning, .info, .warning])
        #expect(lines.allSatisfy { $0.source == .job })
        let page = try await h.store.readLog(runId, from: 4, limit: 1)
        #expect(page.lines.map(\.text) == [""])
        #expect(page.nextOffset == 5)
        #expect(!page.isComplete)
        #expect(try await h.store.readLog(runId, from: 6, limit: nil).isComplete)
        await h.scheduler.shutdown()
    }

    @Test("a run's log can be followed live; the follower ends when the run ends")
    func followLog() async throws {
        let h = Harness()
        let gate = Gate()
        try await h.scheduler.define(JobDefinition(id: "f") { context in
            context.log("before")
            await gate.wait()
            context.log("after")
            return .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("f")
        let seen = Recorder<String>()
        let follower = Task {
            for try await line in h.scheduler.followLog(runId) { seen.record(line.text) }
        }
        try await eventually("the first line followed") { seen.all == ["before"] }
        gate.open()
        try await follower.value
        #expect(seen.all == ["before", "after"])
        await h.scheduler.shutdown()
    }

    @Test("callbacks run once each; one that throws is logged and does not change the final state")
    func callbacks() async throws {
        let h = Harness()
        let finished = Recorder<RunState>()
        let stopped = Recorder<RunState>()
        let callbacks = RunCallbacks(
            onFinish: { record in
                finished.record(record.state)
                throw CallbackFailure()
            },
            onStop: { record in stopped.record(record.state) },
            onCrash: { _ in Issue.record("onCrash called for a run that did not crash") })
        try await h.scheduler.define(JobDefinition(id: "ok", callbacks: callbacks) { _ in .null })
        try await h.scheduler.define(JobDefinition(id: "halt", callbacks: callbacks) { context in
            await context.untilStopRequested()
            return .null
        })
        await h.scheduler.start()
        let ok = try await h.scheduler.trigger("ok")
        #expect(await h.scheduler.waitForCompletion(of: ok)?.state == .succeeded)
        #expect(try await h.record(ok).state == .succeeded)
        #expect(try await h.logTexts(ok) == ["onFinish callback failed: callback exploded"])
        #expect(h.logs.records.contains { $0.message == "job callback failed" && $0.metadata["callback"] == "onFinish" })
        let halt = try await h.scheduler.trigger("halt")
        _ = try await h.waitFor(halt, .running)
        try await h.scheduler.stop(halt)
        #expect(await h.scheduler.waitForCompletion(of: halt)?.state == .stopped)
        #expect(finished.all == [.succeeded, .stopped])
        #expect(stopped.all == [.stopped])
        await h.scheduler.shutdown()
        #expect(finished.count == 2)
    }

    @Test("context reports identity: run id, job id, attempt, trigger, scheduled instant, input")
    func identity() async throws {
        let h = Harness()
        let seen = Recorder<String>()
        try await h.scheduler.define(JobDefinition(id: "who") { context in
            seen.record("\(context.jobId) \(context.attempt) \(context.trigger) \(context.input) \(context.scheduledFor == nil)")
            return .string(context.runId.rawValue)
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("who", input: [1, "two"], requestedBy: "ops")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.output == .string(runId.rawValue))
        #expect(seen.all == [#"who 1 manual by ops [1,"two"] true"#])
        await h.scheduler.shutdown()
    }
}
