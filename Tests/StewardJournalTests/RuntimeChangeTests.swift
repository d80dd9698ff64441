import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import TestSupport
import Testing

/// Runtime job changes (enable/disable, reschedule) kept in the journal with the definition's
/// revision: both stores keep them for the next scheduler, a definition of another revision drops
/// them, a reset drops them; an older journal file is migrated.
@Suite("runtime job changes in the journal", .timeLimit(.minutes(1)))
struct RuntimeChangeTests {
    enum Kind: String, CaseIterable { case memory, sqlite }

    static func definition(_ revision: String) throws -> JobDefinition {
        var definition = JobDefinition(id: "tick", schedule: try IntervalSchedule(every: .seconds(3600), anchor: Date(timeIntervalSince1970: 1_800_000_000)),
                                       zone: "UTC") { _ in .null }
        definition.revision = revision
        return definition
    }

    /// Runs `body` on a started scheduler over the store, then shuts it down.
    static func withScheduler(_ store: any RunStore, _ revision: String, _ body: (JobScheduler) async throws -> Void) async throws {
        let scheduler = JobScheduler(store: store, clock: ManualJobClock())
        try await scheduler.define(try definition(revision))
        await scheduler.start()
        try await body(scheduler)
        await scheduler.shutdown()
    }

    @Test("kept for the next scheduler, dropped by another revision or a reset", arguments: Kind.allCases)
    func keptUntilTheDefinitionChanges(_ kind: Kind) async throws {
        let fixture = try JournalFixture("runtime-changes")
        let memory = InMemoryRunStore()
        func store() -> any RunStore { kind == .memory ? memory : fixture.open() }
        func close(_ store: any RunStore) async { await (store as? SQLiteRunStore)?.close() }

        var current = store()
        try await Self.withScheduler(current, "a") { scheduler in
            await #expect(throws: JobSchedulerError.self) { try await scheduler.reschedule("tick", to: ScheduleOverride(every: "soon")) }
            await #expect(throws: JobSchedulerError.self) { try await scheduler.reschedule("nope", to: ScheduleOverride(every: "5m")) }
            #expect(scheduler.jobs.first?.schedule?.hasPrefix("every 1h") == true, "a refused change changes nothing")
            try await scheduler.disable("tick")
            try await scheduler.reschedule("tick", to: ScheduleOverride(cron: "0 3 * * *", zone: "Europe/Berlin"))
        }
        await close(current)

        current = store()
        try await Self.withScheduler(current, "a") { scheduler in
            let job = try #require(scheduler.jobs.first)
            #expect(!job.isEnabled && job.schedule?.contains("0 3 * * *") == true && job.zone == "Europe/Berlin", "\(job)")
            #expect(try await scheduler.reset("tick"))
            let reset = try #require(scheduler.jobs.first)
            #expect(reset.isEnabled && reset.schedule?.hasPrefix("every 1h") == true && reset.zone == "UTC")
            try await scheduler.disable("tick")
        }
        await close(current)

        current = store()
        try await Self.withScheduler(current, "b") { scheduler in
            let job = try #require(scheduler.jobs.first)
            #expect(job.isEnabled && job.schedule?.hasPrefix("every 1h") == true, "another revision drops the change")
        }
        await close(current)
        current = store()
        try await Self.withScheduler(current, "a") { scheduler in
            #expect(scheduler.jobs.first?.isEnabled == true, "the drop was kept: going back to revision a does not revive it")
        }
        await close(current)
    }

    @Test("a journal of schema version 1 is migrated; its enabled flag is kept")
    func migratesVersionOne() async throws {
        let fixture = try JournalFixture("runtime-changes-migrate")
        do {
            let connection = try SQLiteConnection(path: fixture.path, readOnly: false, create: true)
            try connection.execute(JournalSchema.migrations[0])
            try connection.execute("PRAGMA application_id = \(JournalSchema.applicationID)")
            try connection.execute("PRAGMA user_version = 1")
            try connection.execute("INSERT INTO job_state (job_id, enabled, last_fired) VALUES ('tick', 0, NULL)")
        }
        let store = fixture.open()
        let state = try #require(try await store.definitionState("tick"))
        #expect(state.isEnabled == false && state.scheduleOverride == nil && state.revision == nil)
        let change = ScheduleOverride(every: "10m", start: "2026-01-01T00:00:00Z")
        try await store.saveDefinitionState(JobDefinitionState(jobId: "tick", isEnabled: true, scheduleOverride: change, revision: "r1"))
        await store.close()
        let reopened = fixture.open()
        let saved = try #require(try await reopened.definitionState("tick"))
        #expect(saved.isEnabled == true && saved.scheduleOverride == change && saved.revision == "r1")
        await reopened.close()
    }
}
