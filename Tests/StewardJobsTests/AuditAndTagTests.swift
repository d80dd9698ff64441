import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("Tags and the in-memory audit", .timeLimit(.minutes(1)))
struct AuditAndTagTests {
    @Test("a query by a set of job ids returns only their runs; an empty set none")
    func jobIdsFilter() async throws {
        let store = InMemoryRunStore()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for (index, job) in ["a", "b", "c", "a"].enumerated() {
            try await store.createRun(RunRecord(runId: RunID("r\(index)"), jobId: JobID(job), trigger: .manual(requestedBy: nil),
                                                createdAt: t0.plus(Double(index))))
        }
        var query = RunQuery()
        query.jobIds = ["a", "c"]
        #expect(try await store.runs(query).map(\.runId.rawValue) == ["r3", "r2", "r0"])
        query.jobIds = []
        #expect(try await store.runs(query).isEmpty)
    }

    @Test("job summaries carry the definition's tags")
    func summariesCarryTags() async throws {
        let h = Harness()
        var definition = JobDefinition(id: "billing-report") { _ in .null }
        definition.tags = ["billing", "nightly"]
        try await h.scheduler.define(definition)
        #expect(h.scheduler.jobs.map(\.tags) == [["billing", "nightly"]])
    }

    @Test("the in-memory audit lists newest first and keeps only its capacity")
    func memoryAuditIsBounded() async throws {
        let log = InMemoryAuditLog(capacity: 3)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<5 {
            try await log.recordAudit(AuditEntry(at: t0.plus(Double(index)), actor: "uid 1000", action: "stop", target: "p\(index)"))
        }
        #expect(try await log.auditEntries(limit: 10).map(\.target) == ["p4", "p3", "p2"])
        #expect(try await log.auditEntries(limit: 2).map(\.target) == ["p4", "p3"])
        let store = InMemoryRunStore()
        try await store.recordAudit(AuditEntry(at: t0, actor: "http", action: "trigger", target: "j", runId: "r1"))
        #expect(try await store.auditEntries(limit: 5).map(\.runId) == ["r1"])
    }
}
