import Foundation
import StewardCore
import StewardJobs
import StewardJournal
import StewardPostgres
import TestSupport
import Testing

/// The shared journal behaves as the SQLite journal does for everything `RunStore` promises (the
/// scenarios of `SQLiteRunStoreTests`), seen from this node and from a read-only reader.
@Suite("Postgres: the shared journal as a RunStore", .timeLimit(.minutes(5)))
struct PostgresJournalConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("created and claimed runs are committed when the calls return: a reader sees them at once; CAS refusals")
    func durableOnReturn() async throws {
        let cluster = try await StoreCluster(nodes: ["a"])
        let store = cluster.stores[0]
        let reader = try await PostgresRunStore.openReadOnly(cluster.connectionString, logger: StoreCluster.quietLogger)
        try await store.createRun(manualRun("r1", at: t0))
        #expect(try await reader.run("r1")?.state == .queued)
        let claimed = try await store.claimRun("r1", startedAt: t0.addingTimeInterval(2))
        #expect(claimed.state == .running && claimed.node == "a")
        #expect(try await reader.run("r1")?.startedAt == t0.addingTimeInterval(2))
        await #expect(throws: RunStoreError.self) { _ = try await store.claimRun("r1", startedAt: t0) }
        await #expect(throws: RunStoreError.self) { try await store.createRun(manualRun("r1")) }
        try await store.finishRun(finished(claimed, .failed))
        #expect(try await reader.run("r1")?.state == .failed)
        await #expect(throws: RunStoreError.self) { try await store.finishRun(finished(claimed)) }
        do {
            try await reader.createRun(manualRun("r2"))
            Issue.record("a read-only store wrote")
        } catch {
            #expect(error.kind == .unavailable && error.message.contains("read-only"))
        }
        await reader.close()
        await cluster.stop()
    }

    @Test("every field of a record survives: instants to the millisecond, values, steps, links, node; proceeding once")
    func roundTrip() async throws {
        let cluster = try await StoreCluster(nodes: ["a"])
        let store = cluster.stores[0]
        var record = RunRecord(runId: "full", jobId: "pipeline", trigger: .manual(requestedBy: "alice"), createdAt: t0.addingTimeInterval(0.123),
                               scheduledFor: t0.addingTimeInterval(5), zone: "Europe/Paris",
                               input: ["n": 3, "name": "ünï [x]\n"], attempt: 2, retryOf: "first", parentRunId: "parent",
                               proceedOf: "paused")
        record.steps = ["fetch", "transform", "load"]
        // Instants are kept to the millisecond.
        record.createdAt = Date(timeIntervalSince1970: (record.createdAt.timeIntervalSince1970 * 1000).rounded() / 1000)
        try await store.createRun(record)
        _ = try await store.claimRun("full", startedAt: t0.addingTimeInterval(6))
        record.state = .running
        record.startedAt = t0.addingTimeInterval(6)
        record.node = "a"
        record.lastCompletedStep = "transform"
        record.progress = RunProgress(message: "two of three", fraction: 0.66)
        record.steps = ["fetch", "transform", "load", "report"]
        try await store.updateRun(record)
        #expect(try await store.run("full") == record)
        record.state = .interrupted
        record.finishedAt = t0.addingTimeInterval(7.5)
        record.output = ["rows": 42]
        record.exitCode = 3
        record.signal = 15
        record.error = "paused"
        record.errorDetail = "tail\nof stderr"
        try await store.finishRun(record)
        #expect(try await store.run("full") == record)
        await #expect(throws: RunStoreError.self) { try await store.updateRun(record) }
        let proceeded = try await store.markProceeded("full", by: "next")
        #expect(proceeded.proceededBy == "next")
        do {
            _ = try await store.markProceeded("full", by: "again")
            Issue.record("a run proceeded twice")
        } catch {
            #expect(error.kind == .conflict && error.message.contains("already proceeded by run next"))
        }
        await #expect(throws: RunStoreError.self) { _ = try await store.markProceeded("missing", by: "x") }
        await cluster.stop()
    }

    @Test("queries filter by job, jobs, state, since and parent, newest first; counts per state; id prefixes")
    func queries() async throws {
        let cluster = try await StoreCluster(nodes: ["a"])
        let store = cluster.stores[0]
        try await store.createRun(manualRun("1", job: "x", at: t0))
        var skipped = manualRun("2", job: "y", at: t0.addingTimeInterval(10))
        skipped.state = .skipped
        try await store.createRun(skipped)
        var missed = manualRun("3", job: "x", at: t0.addingTimeInterval(20))
        missed.state = .missed
        try await store.createRun(missed)
        var child = RunRecord(runId: "4", jobId: "x", trigger: .child, createdAt: t0.addingTimeInterval(30), parentRunId: "1")
        child.steps = []
        try await store.createRun(child)
        #expect(try await store.runs(RunQuery()).map(\.runId) == ["4", "3", "2", "1"])
        #expect(try await store.runs(RunQuery(jobId: "x")).map(\.runId) == ["4", "3", "1"])
        var byJobs = RunQuery()
        byJobs.jobIds = ["y"]
        #expect(try await store.runs(byJobs).map(\.runId) == ["2"])
        byJobs.jobIds = []
        #expect(try await store.runs(byJobs).isEmpty)
        #expect(try await store.runs(RunQuery(states: [.queued])).map(\.runId) == ["4", "1"])
        #expect(try await store.runs(RunQuery(since: t0.addingTimeInterval(10))).map(\.runId) == ["4", "3", "2"])
        #expect(try await store.runs(RunQuery(jobId: "x", limit: 2)).map(\.runId) == ["4", "3"])
        #expect(try await store.runs(RunQuery(parentRunId: "1")).map(\.runId) == ["4"])
        #expect(try await store.runCounts(RunQuery()) == [.queued: 2, .skipped: 1, .missed: 1])
        #expect(try await store.runCounts(RunQuery(jobId: "x", limit: 1, before: "4")) == [.queued: 2, .missed: 1])
        for id in ["abc-1", "abc-2", "abd", "a%c", "a_c"] { try await store.createRun(manualRun(id)) }
        #expect(Set(try await store.runIds(startingWith: "abc", limit: 10)) == ["abc-1", "abc-2"])
        #expect(try await store.runIds(startingWith: "a%", limit: 10) == ["a%c"])
        #expect(try await store.runIds(startingWith: "a_", limit: 10) == ["a_c"])
        #expect(try await store.runIds(startingWith: "ab", limit: 2).count == 2)
        await cluster.stop()
    }

    @Test("log lines are byte-exact and capped with one marker, also across stores; pages; a follower from an offset")
    func logs() async throws {
        let cluster = try await StoreCluster(nodes: ["a"]) { PostgresJournalOptions(node: $0, maximumLogLines: 4, followInterval: .milliseconds(20)) }
        let store = cluster.stores[0]
        try await store.createRun(manualRun("r"))
        let texts = ["plain", "[brackets] {json: 1} \"quoted\" back\\slash", "multi\nline\r\n", "ünïcødé 🚀", "fifth", "sixth"]
        try await store.appendLog("r", texts.prefix(2).map { RunLogEntry(time: t0, source: .stdout, text: $0) })
        let early = try await store.readLog("r", from: 0, limit: nil)
        #expect(early.lines.map(\.text) == Array(texts.prefix(2)))
        #expect(!early.isComplete)
        try await store.appendLog("r", texts.dropFirst(2).map { RunLogEntry(time: t0, level: .error, source: .stderr, text: $0) })
        // Another store (a restarted node) knows the cap from the table: nothing more is written.
        let other = try await cluster.open(PostgresJournalOptions(node: "b", maximumLogLines: 4))
        try await other.appendLog("r", [RunLogEntry(time: t0, text: "seventh")])
        await other.close()
        let claimed = try await store.claimRun("r", startedAt: t0)
        try await store.finishRun(finished(claimed))
        let page = try await store.readLog("r", from: 0, limit: nil)
        #expect(page.lines.map(\.text).prefix(4) == texts.prefix(4))
        #expect(page.lines.count == 5)
        #expect(page.lines[4].source == .system && page.lines[4].level == .warning)
        #expect(page.lines[4].text.hasPrefix("[log truncated"))
        #expect(page.lines[2].level == .error && page.lines[2].source == .stderr && page.lines[0].time == t0)
        #expect(page.isComplete)
        #expect(try await store.readLog("r", from: 1, limit: 2).lines.map(\.offset) == [1, 2])
        #expect(!(try await store.readLog("r", from: 1, limit: 2).isComplete))
        var followed: [String] = []
        for try await line in store.followLog("r", from: 3) { followed.append(line.text) }
        #expect(followed.count == 2)
        await #expect(throws: RunStoreError.self) { try await store.appendLog("missing", [RunLogEntry(time: t0, text: "x")]) }
        await #expect(throws: RunStoreError.self) { _ = try await store.readLog("missing", from: 0, limit: nil) }
        await cluster.stop()
    }

    @Test("a follower, here and in a reader, sees lines as they are appended in batches and ends with the run")
    func follow() async throws {
        let cluster = try await StoreCluster(nodes: ["a"]) { PostgresJournalOptions(node: $0, followInterval: .milliseconds(20)) }
        let store = cluster.stores[0]
        let reader = try await PostgresRunStore.openReadOnly(cluster.connectionString, logger: StoreCluster.quietLogger)
        try await store.createRun(manualRun("r"))
        let claimed = try await store.claimRun("r", startedAt: t0)
        let here = Task {
            var texts: [String] = []
            for try await line in store.followLog("r", from: 0) { texts.append(line.text) }
            return texts
        }
        let there = Task {
            var texts: [String] = []
            for try await line in reader.followLog("r", from: 0) { texts.append(line.text) }
            return texts
        }
        for batch in 0..<10 {
            try await store.appendLog("r", (1...5).map { RunLogEntry(time: t0, text: "line \(batch * 5 + $0)") })
        }
        try await store.finishRun(finished(claimed))
        let expected = (1...50).map { "line \($0)" }
        #expect(try await here.value == expected)
        #expect(try await there.value == expected)
        // Cancelling ends a follower of a run that never ends.
        try await store.createRun(manualRun("endless"))
        let endless = Task { () -> Int in
            var count = 0
            for try await _ in store.followLog("endless", from: 0) { count += 1 }
            return count
        }
        endless.cancel()
        #expect(try await endless.value == 0)
        await reader.close()
        await cluster.stop()
    }

    @Test("recovery crashes this node's running runs only; queued runs stay queued for any node")
    func recovery() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b"])
        let (a, b) = (cluster.stores[0], cluster.stores[1])
        try await a.createRun(manualRun("mine"))
        try await a.createRun(manualRun("theirs", job: "other"))
        try await a.createRun(manualRun("waiting", job: "later"))
        _ = try await a.claimRun("mine", startedAt: t0)
        _ = try await b.claimRun("theirs", startedAt: t0)
        try await a.appendLog("mine", [RunLogEntry(time: t0, text: "halfway")])
        let recovery = try await a.recoverRuns(reason: "supervisor restart", at: t0.addingTimeInterval(60))
        #expect(recovery.crashed.map(\.runId) == ["mine"] && recovery.queued.isEmpty)
        let crashed = try #require(try await b.run("mine"))
        #expect(crashed.state == .crashed && crashed.error == "supervisor restart" && crashed.finishedAt == t0.addingTimeInterval(60))
        #expect(try await b.run("theirs")?.state == .running)
        #expect(try await b.run("waiting")?.state == .queued)
        #expect(try await b.readLog("mine", from: 0, limit: nil).lines.map(\.text) == ["halfway"])
        await cluster.stop()
    }

    @Test("definition state: saved, raised to the latest schedule fire, never lowered by a stale node")
    func definitionState() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b"])
        let (a, b) = (cluster.stores[0], cluster.stores[1])
        #expect(try await a.definitionState("cron") == nil)
        let override = ScheduleOverride(cron: "*/5 * * * *", zone: "UTC")
        try await a.saveDefinitionState(JobDefinitionState(jobId: "cron", isEnabled: false, lastFired: t0, scheduleOverride: override, revision: "r1"))
        var fired = scheduleFire("fire", job: "cron", at: 0)
        fired.scheduledFor = t0.addingTimeInterval(30)
        try await a.createRun(fired)
        let state = try await b.definitionState("cron")
        #expect(state?.isEnabled == false && state?.scheduleOverride == override && state?.revision == "r1")
        #expect(state?.lastFired == t0.addingTimeInterval(30))
        try await b.saveDefinitionState(JobDefinitionState(jobId: "cron", isEnabled: true, lastFired: t0.addingTimeInterval(-600)))
        try await a.createRun(RunRecord(runId: "gone", jobId: "cron", trigger: .manual(), createdAt: t0))
        let stale = try await a.definitionState("cron")
        #expect(stale?.isEnabled == true && stale?.scheduleOverride == nil && stale?.lastFired == t0.addingTimeInterval(30))
        var onlyRun = scheduleFire("other", job: "never-saved", at: 0)
        onlyRun.scheduledFor = t0
        try await a.createRun(onlyRun)
        #expect(try await a.definitionState("never-saved")?.lastFired == t0)
        await cluster.stop()
    }

    @Test("progress is coalesced: many reports make few writes, the latest value is written, the final record wins")
    func progress() async throws {
        let cluster = try await StoreCluster(nodes: ["a"])
        let store = cluster.stores[0]
        try await store.connection.withSession { session throws(PostgresError) in
            try session.execute("""
            CREATE TABLE public.progress_writes (n serial);
            CREATE FUNCTION public.count_progress() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO public.progress_writes DEFAULT VALUES; RETURN NEW; END $$;
            CREATE TRIGGER progress_writes AFTER UPDATE OF progress_fraction ON steward.runs
                FOR EACH ROW EXECUTE FUNCTION public.count_progress();
            """)
        }
        try await store.createRun(manualRun("r"))
        let claimed = try await store.claimRun("r", startedAt: t0)
        for step in 1...200 { try await store.updateProgress("r", RunProgress(message: "step \(step)", fraction: Double(step) / 200)) }
        let latest = await eventually(seconds: 10) { (try? await store.run("r"))?.progress.message == "step 200" }
        #expect(latest)
        let writes = try await store.connection.query("SELECT count(*) FROM public.progress_writes").int64(0, 0) ?? 0
        #expect(writes >= 1 && writes < 200, "\(writes) progress writes for 200 reports")
        var done = finished(claimed)
        done.progress = RunProgress(message: "done", fraction: 1)
        try await store.updateProgress("r", RunProgress(message: "late", fraction: 0.5))
        try await store.finishRun(done)
        try await store.updateProgress("r", RunProgress(message: "after the end", fraction: 0.1))
        try await Task.sleep(for: .milliseconds(300))  // a coalesced write would land by now; it must not change the final record
        #expect(try await store.run("r")?.progress == RunProgress(message: "done", fraction: 1))
        await #expect(throws: RunStoreError.self) { try await store.updateProgress("missing", RunProgress(message: "x")) }
        await cluster.stop()
    }

    @Test("the audit: entries of every node, newest first, with their run; pruned by age and cap")
    func audit() async throws {
        let cluster = try await StoreCluster(nodes: ["a", "b"])
        let (a, b) = (cluster.stores[0], cluster.stores[1])
        try await a.recordAudit(AuditEntry(at: t0, actor: "uid 1000", action: "trigger", target: "report", detail: "queued", runId: "r1"))
        try await b.recordAudit(AuditEntry(at: t0.addingTimeInterval(60), actor: "http", action: "stop", target: "report"))
        let entries = try await a.auditEntries(limit: 10)
        #expect(entries.map(\.action) == ["stop", "trigger"])
        #expect(entries[1] == AuditEntry(at: t0, actor: "uid 1000", action: "trigger", target: "report", detail: "queued", runId: "r1"))
        #expect(try await a.auditEntries(limit: 1).count == 1)
        #expect(try await b.pruneAudit(before: t0.addingTimeInterval(30)) == 1)
        #expect(try await a.auditEntries(limit: 10).map(\.action) == ["stop"])
        await cluster.stop()
    }
}
