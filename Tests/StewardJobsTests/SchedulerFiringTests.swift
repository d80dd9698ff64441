import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("Scheduled fires", .timeLimit(.minutes(1)))
struct SchedulerFiringTests {
    @Test("a scheduled job fires at exactly its instants, once each, then the timer has nothing to wait for")
    func firesAtExactInstants() async throws {
        let h = Harness()
        let t0 = h.clock.now
        let instants = [t0.plus(10), t0.plus(25), t0.plus(26.5)]
        let seen = Recorder<Date>()
        let clock = h.clock
        try await h.scheduler.define(JobDefinition(id: "tick", schedule: InstantListSchedule(instants), zone: "Europe/Paris") { _ in
            seen.record(clock.now)
            return .null
        })
        await h.scheduler.start()
        for (index, instant) in instants.enumerated() {
            await h.clock.waitForWallSleeper(until: instant)
            #expect(h.scheduler.nextFire("tick") == instant)
            h.clock.advance(to: instant)
            try await h.waitForRuns(of: "tick", count: index + 1) { $0.state == .succeeded }
        }
        let runs = h.runs(of: "tick")
        #expect(runs.map(\.scheduledFor) == instants)
        #expect(runs.map(\.startedAt) == instants)
        #expect(runs.allSatisfy { $0.trigger == .schedule && $0.zone == "Europe/Paris" && $0.attempt == 1 })
        #expect(seen.all == instants)
        #expect(h.scheduler.nextFire("tick") == nil)
        let persisted = try await h.store.definitionState("tick")
        #expect(persisted?.lastFired == instants.last)
        await h.scheduler.shutdown()
        #expect(h.clock.wallSleeperDeadlines.isEmpty)
    }

    @Test("a fire processed late by less than the threshold is on time, not a misfire")
    func lateWithinThresholdIsOnTime() async throws {
        let h = Harness()
        let t0 = h.clock.now
        try await h.scheduler.define(JobDefinition(id: "late", schedule: InstantListSchedule([t0.plus(10)]), misfire: .skip,
                                                   misfireThreshold: .seconds(60)) { _ in .null })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(10))
        h.clock.advance(to: t0.plus(40))  // the process was busy: woken 30 s late
        let runs = try await h.waitForRuns(of: "late", count: 1) { $0.state == .succeeded }
        #expect(runs.first?.scheduledFor == t0.plus(10))
        #expect(runs.first?.startedAt == t0.plus(40))
        #expect(h.runs(of: "late").allSatisfy { $0.state != .missed })
        await h.scheduler.shutdown()
    }

    @Test("disable stops fires, enable counts from now, reschedule re-arms the timer at the new instant")
    func enableDisableReschedule() async throws {
        let h = Harness()
        let t0 = h.clock.now
        try await h.scheduler.define(JobDefinition(id: "p", schedule: EveryPeriodSchedule(origin: t0, period: 10)) { _ in .null })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(10))
        h.clock.advance(to: t0.plus(10))
        try await h.waitForRuns(of: "p", count: 1) { $0.state == .succeeded }
        await h.clock.waitForWallSleeper(until: t0.plus(20))

        try await h.scheduler.disable("p")
        #expect(h.scheduler.nextFire("p") == nil)
        try await eventually("the timer disarmed") { h.clock.wallSleeperDeadlines.isEmpty }
        h.clock.advance(to: t0.plus(55))
        #expect(h.scheduler.jobs.first?.isEnabled == false)
        #expect(try await h.store.definitionState("p")?.isEnabled == false)

        try await h.scheduler.enable("p")
        #expect(h.scheduler.nextFire("p") == t0.plus(60))  // fires while disabled are not caught up
        await h.clock.waitForWallSleeper(until: t0.plus(60))
        #expect(h.runs(of: "p").count == 1)

        let special = t0.plus(57)
        try await h.scheduler.reschedule("p", InstantListSchedule([special]))
        await h.clock.waitForWallSleeper(until: special)
        #expect(h.clock.wallSleeperDeadlines == [special])
        h.clock.advance(to: special)
        let runs = try await h.waitForRuns(of: "p", count: 2) { $0.state == .succeeded }
        #expect(runs.map(\.scheduledFor) == [t0.plus(10), special])
        try await h.scheduler.reschedule("p", nil)
        #expect(h.scheduler.nextFire("p") == nil)
        await h.scheduler.shutdown()
    }

    @Test("schedule(at:) runs once at the requested instant; its queued record is durable at once")
    func runLater() async throws {
        let h = Harness()
        let t0 = h.clock.now
        try await h.scheduler.define(JobDefinition(id: "later") { context in context.input })
        await h.scheduler.start()
        let runId = try await h.scheduler.schedule("later", at: t0.plus(3600), input: "payload", requestedBy: "alice")
        let queued = try await h.record(runId)
        #expect(queued.state == .queued)
        #expect(queued.scheduledFor == t0.plus(3600))
        #expect(queued.trigger == .later(requestedBy: "alice"))
        await h.clock.waitForWallSleeper(until: t0.plus(3600))
        h.clock.advance(to: t0.plus(3600))
        let done = try await h.waitFor(runId, .succeeded)
        #expect(done.output == "payload")
        #expect(done.startedAt == t0.plus(3600))
        await h.scheduler.shutdown()
    }

    @Test("jobs lists next fire, last fire, last run and status for every definition")
    func listing() async throws {
        let h = Harness()
        let t0 = h.clock.now
        try await h.scheduler.define(JobDefinition(id: "b-manual", description: "on demand") { _ in .null })
        try await h.scheduler.define(JobDefinition(id: "a-timer", schedule: EveryPeriodSchedule(origin: t0, period: 60)) { _ in .null })
        await h.scheduler.start()
        await h.clock.waitForWallSleeper(until: t0.plus(60))
        h.clock.advance(to: t0.plus(60))
        try await h.waitForRuns(of: "a-timer", count: 1) { $0.state == .succeeded }
        try await eventually("the last run is listed") { h.scheduler.jobs.first?.lastRun?.state == .succeeded }
        let jobs = h.scheduler.jobs
        #expect(jobs.map(\.id) == ["a-timer", "b-manual"])
        #expect(jobs[0].nextFire == t0.plus(120))
        #expect(jobs[0].lastFired == t0.plus(60))
        #expect(jobs[0].timeLeft(from: t0.plus(60)) == .seconds(60))
        #expect(jobs[0].schedule == "every 60.0s")
        #expect(jobs[1].nextFire == nil)
        #expect(jobs[1].lastRun == nil)
        #expect(jobs[1].description == "on demand")
        await h.scheduler.shutdown()
    }

    @Test("duplicate ids and invalid definitions are rejected with typed errors; requests before start are refused")
    func definitionErrors() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "once") { _ in .null })
        do {
            try await h.scheduler.define(JobDefinition(id: "once") { _ in .null })
            Issue.record("a duplicate id was accepted")
        } catch {
            #expect(error.kind == .duplicateJob)
        }
        do {
            try await h.scheduler.define(JobDefinition(id: "", misfire: .runAll(cap: 0), timeout: .zero,
                                                       retry: RetryPolicy(maximumAttempts: 0)) { _ in .null })
            Issue.record("an invalid definition was accepted")
        } catch {
            #expect(error.kind == .invalidDefinition)
            #expect(error.definitionError?.problems.count == 4)
        }
        do {
            _ = try await h.scheduler.trigger("once")
            Issue.record("a trigger before start was accepted")
        } catch {
            #expect(error.kind == .notRunning)
        }
        await h.scheduler.start()
        do {
            _ = try await h.scheduler.trigger("nope")
            Issue.record("an unknown job was triggered")
        } catch {
            #expect(error.kind == .unknownJob)
        }
        try await h.scheduler.remove("once")
        #expect(h.scheduler.jobs.isEmpty)
        await h.scheduler.shutdown()
    }
}
