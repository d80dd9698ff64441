import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("Triggering a run linked to a parent run", .timeLimit(.minutes(1)))
struct ParentTriggerTests {
    @Test("an unknown parent is refused naming it, and no run is created")
    func unknownParent() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "child") { _ in .null })
        await h.scheduler.start()
        await #expect(throws: JobSchedulerError.self) { try await h.scheduler.trigger("child", parent: "nosuchrun") }
        do {
            _ = try await h.scheduler.trigger("child", parent: "nosuchrun")
        } catch {
            #expect(error.kind == .unknownRun)
            #expect(error.message.contains("parent"))
            #expect(error.message.contains("nosuchrun"))
        }
        #expect(try await h.scheduler.runs().isEmpty)
        await h.scheduler.shutdown()
    }

    @Test("a run triggered with a running parent is linked, listed under it, and stopped with it")
    func linkedAndStoppedWithParent() async throws {
        let h = Harness()
        let started = Recorder<String>()
        let forever: @Sendable (JobContext) async throws -> JobValue = { context in
            started.record("\(context.jobId)")
            await context.untilStopRequested()
            return .null
        }
        try await h.scheduler.define(JobDefinition(id: "boss", execute: forever))
        try await h.scheduler.define(JobDefinition(id: "child", execute: forever))
        await h.scheduler.start()
        let boss = try await h.scheduler.trigger("boss")
        _ = try await h.waitFor(boss, .running)
        let child = try await h.scheduler.trigger("child", requestedBy: "script", parent: boss)
        _ = try await h.waitFor(child, .running)
        #expect(try await h.record(child).parentRunId == boss)
        #expect(try await h.scheduler.runs(RunQuery(parentRunId: boss)).map(\.runId) == [child])
        try await h.scheduler.stop(boss)
        let childRecord = await h.scheduler.waitForCompletion(of: child)
        #expect(childRecord?.state == .stopped)
        #expect(childRecord?.error == "stopped with its parent run")
        await h.scheduler.shutdown()
    }

    @Test("a parent that already ended is still linked (recorded), and the child runs to its end")
    func endedParent() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "boss") { _ in .null })
        try await h.scheduler.define(JobDefinition(id: "child") { _ in "done" })
        await h.scheduler.start()
        let boss = try await h.scheduler.trigger("boss")
        #expect(await h.scheduler.waitForCompletion(of: boss)?.state == .succeeded)
        let child = try await h.scheduler.trigger("child", parent: boss)
        let record = await h.scheduler.waitForCompletion(of: child)
        #expect(record?.state == .succeeded)
        #expect(record?.parentRunId == boss)
        await h.scheduler.shutdown()
    }
}

@Suite("Scheduling a run for later, linked to a parent run", .timeLimit(.minutes(1)))
struct ParentScheduleTests {
    @Test("an unknown parent is refused; a known one is recorded, and stopping it withdraws the waiting run")
    func scheduledChild() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "boss") { context in
            await context.untilStopRequested()
            return .null
        })
        try await h.scheduler.define(JobDefinition(id: "child") { _ in .null })
        await h.scheduler.start()
        let later = h.clock.now.addingTimeInterval(3600)
        await #expect(throws: JobSchedulerError.self) { try await h.scheduler.schedule("child", at: later, parent: "nosuchrun") }
        #expect(try await h.scheduler.runs().isEmpty)
        let boss = try await h.scheduler.trigger("boss")
        _ = try await h.waitFor(boss, .running)
        let child = try await h.scheduler.schedule("child", at: later, parent: boss)
        #expect(try await h.record(child).parentRunId == boss)
        #expect(try await h.record(child).state == .queued)
        try await h.scheduler.stop(boss)
        let record = await h.scheduler.waitForCompletion(of: child)
        #expect(record?.state == .stopped)
        await h.scheduler.shutdown()
    }
}
