import Foundation
import StewardCore
import StewardJobs
import Testing

private struct Boom: Error {}

@Suite("Observing the scheduler: coalesced progress, job changes, per-job metrics", .timeLimit(.minutes(1)))
struct ObservationTests {
    @Test("1000 quick progress reports reach a subscriber coalesced (at most one per 100 ms per run), the last one kept")
    func progressCoalesced() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "busy") { context in
            for step in 1...1000 {
                context.reportProgress("step \(step)", fraction: Double(step) / 1000)
                if step.isMultiple(of: 100) { try await Task.sleep(for: .milliseconds(30)) }
            }
            return .null
        })
        await h.scheduler.start()
        let updates = h.scheduler.progressChanges(bufferingPolicy: .unbounded)
        let started = ContinuousClock.now
        let runId = try await h.scheduler.trigger("busy")
        #expect(await h.scheduler.waitForCompletion(of: runId)?.state == .succeeded)
        let elapsed = ContinuousClock.now - started
        var seen: [RunProgressUpdate] = []
        for await update in updates {
            seen.append(update)
            if update.progress.message == "step 1000" { break }
        }
        #expect(seen.last?.progress == RunProgress(message: "step 1000", fraction: 1))
        #expect(seen.allSatisfy { $0.runId == runId && $0.jobId == "busy" })
        // At most one at once and one per 100 ms after (the final one may come early, at the run's end).
        let bound = Int(elapsed / .milliseconds(100)) + 2
        #expect(seen.count <= bound, "\(seen.count) updates in \(elapsed)")
        #expect(seen.count < 1000)
        let fractions = seen.compactMap(\.progress.fraction)
        #expect(fractions == fractions.sorted(), "the latest value wins, in order")
        await h.scheduler.shutdown()
    }

    @Test("defining, disabling, enabling, rescheduling, resetting and removing a job each publish a change with its summary")
    func jobChanges() async throws {
        let h = Harness()
        await h.scheduler.start()
        let changes = h.scheduler.jobChanges(bufferingPolicy: .unbounded)
        try await h.scheduler.define(JobDefinition(id: "j") { _ in .null })
        try await h.scheduler.disable("j")
        try await h.scheduler.enable("j")
        try await h.scheduler.reschedule("j", try IntervalSchedule(every: .seconds(60), anchor: h.clock.now))
        _ = try await h.scheduler.reschedule("j", to: ScheduleOverride(every: "2m"))
        try await h.scheduler.reset("j")
        try await h.scheduler.remove("j")
        await #expect(throws: JobSchedulerError.self) { try await h.scheduler.disable("j") }
        var seen: [String] = []
        for await change in changes {
            seen.append("\(change.kind) \(change.job.id) \(change.job.isEnabled) \(change.job.schedule?.prefix(8) ?? "-")")
            if change.kind == .removed { break }
        }
        #expect(seen == ["defined j true -", "disabled j false -", "enabled j true -",
                         "rescheduled j true every 1m", "rescheduled j true every 2m", "reset j true -", "removed j true -"])
        await h.scheduler.shutdown()
    }

    @Test("metrics count runs by final state, running runs, durations, the latest success and the next fire")
    func metrics() async throws {
        let h = Harness()
        let gate = Gate()
        try await h.scheduler.define(JobDefinition(id: "ok") { _ in .null })
        try await h.scheduler.define(JobDefinition(id: "bad") { _ in throw Boom() })
        try await h.scheduler.define(JobDefinition(id: "held") { _ in
            await gate.wait()
            return .null
        })
        try await h.scheduler.define(JobDefinition(id: "ticking", schedule: try IntervalSchedule(every: .seconds(3600), anchor: h.clock.now)) { _ in .null })
        await h.scheduler.start()
        for _ in 0..<2 { _ = await h.scheduler.waitForCompletion(of: try await h.scheduler.trigger("ok")) }
        _ = await h.scheduler.waitForCompletion(of: try await h.scheduler.trigger("bad"))
        let held = try await h.scheduler.trigger("held")
        _ = try await h.waitFor(held, .running)
        let byId = Dictionary(uniqueKeysWithValues: h.scheduler.jobMetrics.map { ($0.id, $0) })
        let ok = try #require(byId["ok"])
        #expect(ok.runsByState == [.succeeded: 2])
        #expect(ok.durationCount == 2)
        #expect(ok.durationBucketCounts.allSatisfy { $0 == 2 }, "a manual clock: every run took 0 s")
        #expect(ok.lastSuccess == h.clock.now)
        #expect(ok.running == 0)
        #expect(byId["bad"]?.runsByState == [.failed: 1])
        #expect(byId["bad"]?.lastSuccess == nil)
        #expect(byId["held"]?.running == 1)
        #expect(byId["held"]?.runsByState == [:])
        #expect(byId["ticking"]?.nextFire == h.clock.now.addingTimeInterval(3600))
        #expect(byId["ok"]?.nextFire == nil)
        gate.open()
        _ = await h.scheduler.waitForCompletion(of: held)
        #expect(h.scheduler.jobMetrics.first { $0.id == "held" }?.running == 0)
        #expect(h.scheduler.jobMetrics.first { $0.id == "held" }?.runsByState == [.succeeded: 1])
        await h.scheduler.shutdown()
    }
}
