import Foundation
import StewardCore
import StewardJobs
import Testing

private struct StepFailure: Error, CustomStringConvertible {
    var description: String { "disk full" }
}

@Suite("Pipelines", .timeLimit(.minutes(1)))
struct PipelineTests {
    @Test("each step gets the previous step's output; the run's output is the last step's")
    func outputPassing() async throws {
        let h = Harness()
        let pipeline = try Pipeline([
            .step("double") { context in .int((context.input.intValue ?? 0) * 2) },
            .step("add one") { context in .int((context.input.intValue ?? 0) + 1) },
            .step("wrap") { context in ["result": context.input] },
        ])
        try await h.scheduler.define(JobDefinition(id: "math", job: pipeline))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("math", input: 20)
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .succeeded)
        #expect(record?.output == ["result": 41])
        #expect(record?.steps == ["double", "add one", "wrap"])
        #expect(record?.lastCompletedStep == "wrap")
        #expect(record?.progress.fraction == 1)
        #expect(try await h.record(runId).steps == ["double", "add one", "wrap"])
        await h.scheduler.shutdown()
    }

    @Test("a failing step names itself in the error and later steps do not run")
    func failingStep() async throws {
        let h = Harness()
        let ran = Recorder<String>()
        let pipeline = try Pipeline([
            .step("fetch") { _ in ran.record("fetch"); return "data" },
            .step("store") { _ in ran.record("store"); throw StepFailure() },
            .step("notify") { _ in ran.record("notify"); return .null },
        ])
        try await h.scheduler.define(JobDefinition(id: "etl", job: pipeline))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("etl")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .failed)
        #expect(record?.error == #"step "store" failed: disk full"#)
        #expect(record?.lastCompletedStep == "fetch")
        #expect(ran.all == ["fetch", "store"])
        await h.scheduler.shutdown()
    }

    @Test("a step that interrupts pauses the run; proceed continues from the next step with the extra value, once")
    func interruptThenProceed() async throws {
        let h = Harness()
        let ran = Recorder<String>()
        let extras = Recorder<JobValue>()
        let pipeline = try Pipeline([
            .step("prepare") { context in ran.record("prepare"); return ["order": context.input] },
            .step("approve") { context in
                ran.record("approve")
                throw JobInterrupt(output: context.input, reason: "needs a manager")
            },
            .step("ship") { context in
                ran.record("ship")
                extras.record(context.proceedExtra ?? .null)
                return ["shipped": context.input, "by": context.proceedExtra ?? .null]
            },
        ])
        try await h.scheduler.define(JobDefinition(id: "order", job: pipeline))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("order", input: 7)
        let paused = await h.scheduler.waitForCompletion(of: runId)
        #expect(paused?.state == .interrupted)
        #expect(paused?.lastCompletedStep == "approve")
        #expect(paused?.output == ["order": 7])
        #expect(ran.all == ["prepare", "approve"])

        let next = try await h.scheduler.proceed(runId, extra: "bob")
        let done = await h.scheduler.waitForCompletion(of: next)
        #expect(done?.state == .succeeded)
        #expect(done?.trigger == .proceed)
        #expect(done?.proceedOf == runId)
        #expect(done?.output == ["shipped": ["order": 7], "by": "bob"])
        #expect(done?.lastCompletedStep == "ship")
        #expect(ran.all == ["prepare", "approve", "ship"])
        #expect(extras.all == ["bob"])
        #expect(try await h.record(runId).proceededBy == next)
        do {
            _ = try await h.scheduler.proceed(runId)
            Issue.record("a run proceeded twice")
        } catch {
            #expect(error.kind == .cannotProceed)
        }
        do {
            _ = try await h.scheduler.proceed(next)
            Issue.record("a succeeded run proceeded")
        } catch {
            #expect(error.kind == .cannotProceed)
        }
        await h.scheduler.shutdown()
    }

    @Test("a run interrupted under one scheduler instance proceeds under the next (state lives in the record)")
    func proceedAfterRestart() async throws {
        let store = InMemoryRunStore()
        let pipeline = try Pipeline([
            .step("hold") { context in throw JobInterrupt(output: ["held": context.input], reason: "wait") },
            .step("release") { context in ["released": context.input, "extra": context.proceedExtra ?? .null] },
        ])
        let first = Harness(store: store)
        try await first.scheduler.define(JobDefinition(id: "two-phase", job: pipeline))
        await first.scheduler.start()
        let runId = try await first.scheduler.trigger("two-phase", input: "x")
        #expect(await first.scheduler.waitForCompletion(of: runId)?.state == .interrupted)
        await first.scheduler.shutdown()

        let second = Harness(store: store)
        try await second.scheduler.define(JobDefinition(id: "two-phase", job: pipeline))
        await second.scheduler.start()
        #expect(try await store.run(runId)?.state == .interrupted)  // not "recovered" as a crash
        let next = try await second.scheduler.proceed(runId, extra: 42)
        let done = await second.scheduler.waitForCompletion(of: next)
        #expect(done?.state == .succeeded)
        #expect(done?.output == ["released": ["held": "x"], "extra": 42])
        await second.scheduler.shutdown()
    }

    @Test("a pipeline rejects no steps and repeated names")
    func invalidPipelines() {
        #expect(throws: JobDefinitionError.self) { try Pipeline([]) }
        do {
            _ = try Pipeline([.step("a") { _ in .null }, .step("a") { _ in .null }])
            Issue.record("repeated names were accepted")
        } catch {
            #expect(error.problems == [#"step name "a" is repeated"#])
        }
    }

    @Test("a command step's failure is named and keeps the command's exit code")
    func commandStep() async throws {
        let h = Harness()
        let pipeline = try Pipeline([
            .step("make") { _ in "x" },
            Pipeline.Step(name: "run script", job: CommandJob(["sh", "-c", "echo bad >&2; exit 4"], environment: ["PATH": "/usr/bin:/bin"])),
        ])
        try await h.scheduler.define(JobDefinition(id: "mixed", job: pipeline))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("mixed")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .failed)
        #expect(record?.error == #"step "run script" failed: command "sh" exited 4"#)
        #expect(record?.exitCode == 4)
        #expect(record?.errorDetail == "bad")
        await h.scheduler.shutdown()
    }
}
