import Foundation
import StewardCore
import StewardJobs
@testable import StewardJournal
import Synchronization
import Testing

/// Races and edge cases a review found in the journal (each failed before its fix).
@Suite("SQLite run journal: races and edges", .timeLimit(.minutes(1)))
struct JournalRaceTests {
    /// The scheduler appends an "onFinish callback failed" note after finishRun
    /// (JobScheduler+Execution.swift runCallbacks); InMemoryRunStore accepts it, the journal refuses it.
    @Test("a line appended after the run's final record is kept, as InMemoryRunStore does")
    func appendAfterFinish() async throws {
        let memory = InMemoryRunStore()
        let f = try JournalFixture("r1")
        let store = f.open()
        for s in [memory as any RunStore, store as any RunStore] {
            try await s.createRun(f.record("r"))
            let claimed = try await s.claimRun("r", startedAt: f.t0)
            try await s.finishRun(f.finished(claimed))
            let note = RunLogEntry(time: f.t0, level: .error, source: .system, text: "onFinish callback failed: boom")
            await #expect(throws: Never.self, "\(type(of: s))") { try await s.appendLog("r", [note]) }
            #expect(try await s.readLog("r", from: 0, limit: nil).lines.map(\.text) == ["onFinish callback failed: boom"],
                    "\(type(of: s))")
        }
        await store.close()
    }

    /// JournalWriter.loop sleeps until `nextDeadline`; when takeBatch has nothing to take because the
    /// journal waits to retry, the deadline of a progress-dirty run may already be past, and
    /// pthread_cond_timedwait returns at once: the writer thread spins until retryAt.
    @Test("while waiting to retry, the writer's next deadline is never in the past (no busy loop)")
    func noSpinWhileUnhealthy() throws {
        var s = JournalState(health: JournalHealth(isHealthy: false, reason: "disk full", since: Date()))
        let now = monotonicNanoseconds()
        s.retryAt = now + 1_000_000_000
        var run = JournalState.OwnedRun(record: RunRecord(runId: "r", jobId: "j", trigger: .schedule, state: .running, createdAt: Date()),
                                        stepsDirty: false, limiter: RunLogLimiter(maximumBytes: 1 << 20, maximumLines: 1000))
        run.recordDirty = false
        run.rowId = 1
        run.progressDirty = true
        run.lastWrite = now - 500_000_000
        s.runs["r"] = run
        let interval: UInt64 = 100_000_000
        #expect(s.takeBatch(now: now, progressInterval: interval) == nil)
        let deadline = try #require(s.nextDeadline(progressInterval: interval))
        #expect(deadline > now, "the writer would wait until an instant \( (now - min(now, deadline)) / 1_000_000) ms in the past")
    }

    /// A command (markProceeded, recoverRuns, prune) enqueued while close's last write is failing
    /// lands in `state.commands` after the batch was taken; finish() never answers it.
    @Test("a command enqueued while close's last write fails is answered, not left hanging")
    func commandDuringFailingClose() async throws {
        let f = try JournalFixture("r3")
        // A long busy timeout keeps close's failing write under way while the test looks.
        let store = f.open(JournalOptions(busyTimeout: .seconds(2), retryInterval: .milliseconds(20)))
        try await store.createRun(f.record("r"))
        let blocker = try SQLiteConnection(path: f.path, readOnly: false)
        try blocker.execute("BEGIN EXCLUSIVE")
        await #expect(throws: RunStoreError.self) { _ = try await store.claimRun("r", startedAt: f.t0) }
        let closed = Task { await store.close() }
        try await waitUntil("close's last write under way, past the retry instant") {
            store.state.withLock { s in s.closing && s.writing && (s.retryAt ?? .max) < monotonicNanoseconds() }
        }
        let answered = Atomic<Bool>(false)
        let pruned = Task {
            _ = try? await store.prune(RetentionPolicy(), now: f.t0)
            answered.store(true, ordering: .relaxed)
        }
        await closed.value
        try blocker.execute("COMMIT")
        let enqueued = store.state.withLock { !$0.commands.isEmpty }
        do {
            try await waitUntilShort("the command answered") { answered.load(ordering: .relaxed) }
        } catch {
            Issue.record("command never answered (left in state.commands: \(enqueued)): \(error)")
            pruned.cancel()
        }
    }

    struct CallbackFailure: Error, CustomStringConvertible { var description: String { "callback exploded" } }

    @Test("with the journal, a failing onFinish callback's note reaches the run's log (as with InMemoryRunStore)")
    func callbackNoteWithJournal() async throws {
        let f = try JournalFixture("r1b")
        let store = f.open()
        let logs = MemoryLogSink()
        let scheduler = JobScheduler(store: store, options: JobSchedulerOptions(logger: Logger(label: "jobs", sink: logs)))
        try await scheduler.define(JobDefinition(id: "ok", callbacks: RunCallbacks(onFinish: { _ in throw CallbackFailure() })) { _ in .null })
        await scheduler.start()
        let ok = try await scheduler.trigger("ok")
        #expect(await scheduler.waitForCompletion(of: ok)?.state == .succeeded)
        try await waitUntil("the callback ran") { logs.records.contains { $0.message == "job callback failed" } }
        try? await Task.sleep(for: .milliseconds(100))
        #expect(try await store.readLog(ok, from: 0, limit: nil).lines.map(\.text) == ["onFinish callback failed: callback exploded"])
        #expect(!logs.records.contains { $0.message == "journal write failed" })
        await scheduler.shutdown()
        await store.close()
    }

    /// recoverRuns snapshots the owned runs when it is called, but its command runs later, in a batch
    /// that first upserts the runs created meanwhile: such a run is handed back as "left queued".
    @Test("a run this process creates while recovery waits for the writer is not handed back as recovered")
    func recoverySnapshotRace() async throws {
        let f = try JournalFixture("r4")
        let store = f.open(JournalOptions(busyTimeout: .seconds(20), retryInterval: .milliseconds(20)))
        let blocker = try SQLiteConnection(path: f.path, readOnly: false)
        try blocker.execute("BEGIN EXCLUSIVE")
        let first = Task { try await store.createRun(f.record("a")) }  // the writer waits on the lock with it
        try await waitUntil("the writer busy") { store.state.withLock { $0.writing } }
        let recovery = Task { try await store.recoverRuns(reason: "supervisor restart", at: f.t0) }
        try await waitUntil("recovery queued") { store.state.withLock { !$0.commands.isEmpty } }
        let mine = Task { try await store.createRun(f.record("mine", at: 1)) }
        try await waitUntil("mine in memory") { store.state.withLock { $0.runs["mine"] != nil } }
        try blocker.execute("COMMIT")
        try await first.value
        try await mine.value
        let recovered = try await recovery.value
        #expect(!recovered.queued.map(\.runId).contains("mine"), "this process's own new run is handed back to run a second time")
        await store.close()
    }

    func waitUntilShort(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw JournalTestTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
