import Foundation
import StewardCore
import StewardJobs
import Testing

private struct ChildFailure: Error, CustomStringConvertible {
    var description: String { "child broke" }
}

@Suite("Child runs", .timeLimit(.minutes(1)))
struct ChildRunTests {
    private func defineChildren(_ h: Harness) async throws {
        try await h.scheduler.define(JobDefinition(id: "good", overlap: .allow) { context in
            ["child saw": context.input]
        })
        try await h.scheduler.define(JobDefinition(id: "bad", overlap: .allow) { _ in throw ChildFailure() })
    }

    @Test("an awaited child is linked by parentRunId and its output comes back")
    func awaitedChild() async throws {
        let h = Harness()
        try await defineChildren(h)
        try await h.scheduler.define(JobDefinition(id: "parent") { context in
            let child = try await context.runChild("good", input: "hello")
            return child.output ?? .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("parent")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .succeeded)
        #expect(record?.output == ["child saw": "hello"])
        let children = try await h.scheduler.runs(RunQuery(parentRunId: runId))
        #expect(children.count == 1)
        #expect(children.first?.trigger == .child)
        #expect(children.first?.jobId == "good")
        #expect(children.first?.state == .succeeded)
        await h.scheduler.shutdown()
    }

    @Test("a failing child fails its parent unless told to survive it")
    func failurePropagation() async throws {
        let h = Harness()
        try await defineChildren(h)
        try await h.scheduler.define(JobDefinition(id: "strict") { context in
            try await context.runChild("bad")
            return "unreachable"
        })
        try await h.scheduler.define(JobDefinition(id: "lenient") { context in
            let child = try await context.runChild("bad", surviveFailure: true)
            return .string(child.state.name)
        })
        await h.scheduler.start()
        let strict = try await h.scheduler.trigger("strict")
        let strictRecord = await h.scheduler.waitForCompletion(of: strict)
        #expect(strictRecord?.state == .failed)
        #expect(strictRecord?.error?.hasPrefix("child run ") == true)
        #expect(strictRecord?.errorDetail?.hasSuffix("(bad) ended failed: child broke") == true)
        let lenient = try await h.scheduler.trigger("lenient")
        let lenientRecord = await h.scheduler.waitForCompletion(of: lenient)
        #expect(lenientRecord?.state == .succeeded)
        #expect(lenientRecord?.output == "failed")
        await h.scheduler.shutdown()
    }

    @Test("a child launched without awaiting runs alongside; its failure fails the parent when the parent returns")
    func unawaitedChild() async throws {
        let h = Harness()
        try await defineChildren(h)
        let gate = Gate()
        try await h.scheduler.define(JobDefinition(id: "slow-bad", overlap: .allow) { _ in
            await gate.wait()
            throw ChildFailure()
        })
        try await h.scheduler.define(JobDefinition(id: "fire-and-join") { context in
            let child = try await context.runChild("slow-bad", awaiting: false)
            context.log("child \(child.runId) is \(child.state)")
            gate.open()
            return "parent done"
        })
        try await h.scheduler.define(JobDefinition(id: "fire-and-forget") { context in
            try await context.runChild("bad", awaiting: false, surviveFailure: true)
            return "parent done"
        })
        await h.scheduler.start()
        let joined = try await h.scheduler.trigger("fire-and-join")
        let joinedRecord = await h.scheduler.waitForCompletion(of: joined)
        #expect(joinedRecord?.state == .failed)
        #expect(joinedRecord?.error?.contains("slow-bad ended failed") == true)
        let note = try await h.logTexts(joined).first ?? ""
        #expect(note.hasSuffix(" is queued") || note.hasSuffix(" is running"))
        let forgotten = try await h.scheduler.trigger("fire-and-forget")
        #expect(await h.scheduler.waitForCompletion(of: forgotten)?.state == .succeeded)
        await h.scheduler.shutdown()
    }

    @Test("stopping a parent stops its running children")
    func stopCascades() async throws {
        let h = Harness()
        let childStarted = Recorder<RunID>()
        try await h.scheduler.define(JobDefinition(id: "forever") { context in
            childStarted.record(context.runId)
            await context.untilStopRequested()
            return .null
        })
        try await h.scheduler.define(JobDefinition(id: "boss") { context in
            try await context.runChild("forever")
            return .null
        })
        await h.scheduler.start()
        let boss = try await h.scheduler.trigger("boss")
        try await eventually("the child executing") { childStarted.count == 1 }
        try await h.scheduler.stop(boss)
        #expect(await h.scheduler.waitForCompletion(of: boss)?.state == .stopped)
        let child = childStarted.all[0]
        let childRecord = await h.scheduler.waitForCompletion(of: child)
        #expect(childRecord?.state == .stopped)
        #expect(childRecord?.error == "stopped with its parent run")
        #expect(childRecord?.parentRunId == boss)
        await h.scheduler.shutdown()
    }

    @Test("children are exempt from the worker limit, so a parent awaiting one cannot deadlock")
    func childrenBypassWorkerLimit() async throws {
        let h = Harness(workerLimit: 1)
        try await defineChildren(h)
        try await h.scheduler.define(JobDefinition(id: "p") { context in
            try await context.runChild("good").output ?? .null
        })
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("p", input: 1)
        #expect(await h.scheduler.waitForCompletion(of: runId)?.state == .succeeded)
        await h.scheduler.shutdown()
    }
}
