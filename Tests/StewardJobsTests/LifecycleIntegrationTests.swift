import Foundation
import StewardCore
import StewardJobs
import StewardTesting
import Testing

@Suite("JobScheduler in a StewardCore lifecycle", .timeLimit(.minutes(1)))
struct LifecycleIntegrationTests {
    @Test("the scheduler starts with its priority group, fires on schedule, and on shutdown stops and records its runs")
    func stopsRunsOnShutdown() async throws {
        let jobClock = ManualJobClock()
        let store = InMemoryRunStore()
        // A run a previous instance left running: recovered (crashed) during initialize.
        try await store.createRun(RunRecord(runId: "orphan", jobId: "work", trigger: .schedule, createdAt: jobClock.now.plus(-60)))
        _ = try await store.claimRun("orphan", startedAt: jobClock.now.plus(-59))
        let scheduler = JobScheduler(store: store, clock: jobClock,
                                     options: JobSchedulerOptions(logger: Logger(label: "jobs", sink: MemoryLogSink())))
        let t0 = jobClock.now
        let started = Recorder<RunID>()
        try await scheduler.define(JobDefinition(id: "work", schedule: InstantListSchedule([t0.plus(5)]), overlap: .allow) { context in
            started.record(context.runId)
            await context.untilStopRequested()
            return "stopped cleanly"
        })
        let never = Gate()
        try await scheduler.define(JobDefinition(id: "stubborn", stopGracePeriod: .zero) { context in
            started.record(context.runId)
            await never.waitIgnoringCancellation()  // ignores the stop request
            return .null
        })

        var builder = LifecycleBuilder()
        builder.add(scheduler, name: "jobs", options: .init(priority: 3))
        let lifecycle = try builder.build(options: LifecycleOptions(
            clock: ManualClock(), signals: .disabled, shutdownDeadline: nil,
            logger: Logger(label: "test", sink: MemoryLogSink(capacity: 1000)), random: { 0 }))
        let events = lifecycle.events()
        let running = Task { await lifecycle.run() }
        for await event in events where event.milestone?.description == "ready" { break }
        #expect(scheduler.isRunning)
        #expect(try await store.run("orphan")?.state == .crashed)

        await jobClock.waitForWallSleeper(until: t0.plus(5))
        jobClock.advance(to: t0.plus(5))
        try await eventually("the scheduled run executing") { started.count == 1 }
        let manual = try await scheduler.trigger("work", requestedBy: "test")
        let stubborn = try await scheduler.trigger("stubborn")
        try await eventually("three runs executing") { started.count == 3 }

        lifecycle.requestShutdown()
        let report = await running.value
        #expect(report.isClean)
        #expect(!scheduler.isRunning)
        let runs = try await store.runs(RunQuery(jobId: "work")).filter { $0.runId != "orphan" }
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.state == .stopped && $0.error == "stopped by the scheduler's shutdown" })
        #expect(runs.allSatisfy { $0.output == "stopped cleanly" })
        #expect(try await store.run(manual)?.trigger == .manual(requestedBy: "test"))
        let killed = try await store.run(stubborn)
        #expect(killed?.state == .killed)
        never.open()
        do {
            _ = try await scheduler.trigger("work")
            Issue.record("a stopped scheduler accepted a trigger")
        } catch {
            #expect(error.kind == .notRunning)
        }
    }

    /// Before, the scheduler logged under its options' logger only: a line of `jobs-eu` and one
    /// of `jobs-us` could not be told apart.
    @Test("registered in a lifecycle, the scheduler's log lines carry its component name")
    func logsCarryTheComponentName() async throws {
        let logs = MemoryLogSink(capacity: 1000)
        let scheduler = JobScheduler(store: InMemoryRunStore(), clock: ManualJobClock(),
                                     options: JobSchedulerOptions(logger: Logger(label: "jobs", sink: logs, level: .debug)))
        var builder = LifecycleBuilder()
        builder.add(scheduler, name: "jobs-eu")
        let lifecycle = try builder.build(options: LifecycleOptions(
            clock: ManualClock(), signals: .disabled, shutdownDeadline: nil,
            logger: Logger(label: "test", sink: MemoryLogSink(capacity: 1000)), random: { 0 }))
        let recorder = EventRecorder(lifecycle)
        let running = lifecycle.runInBackground()
        await recorder.waitUntilReady()
        try await scheduler.define(JobDefinition(id: "report") { _ in .null })
        lifecycle.requestShutdown()
        _ = await running.report
        let defined = logs.records.first { $0.message == "job defined" }
        #expect(defined?.metadata["component"] == "jobs-eu", "\(logs.records.map { "\($0.message) \($0.metadata)" })")
        #expect(defined?.label == "jobs")
    }
}
