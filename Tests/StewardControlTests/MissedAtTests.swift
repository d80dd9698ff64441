import Foundation
import StewardControl
import StewardJobs
import TestSupport
import Testing

/// A one-time `at` that passed before steward started, through a real `steward run` and its
/// SQLite journal: it follows the misfire policy once, and a restart does not handle it again.
@Suite("steward run: a missed one-time at", .timeLimit(.minutes(1)))
struct MissedAtTests {
    typealias Running = ControlPlaneTests.Running

    static let jobs = #"""
        late: { command: ["true"], at: "2020-01-01T00:00:00Z", zone: "UTC" },
        skipped: { command: ["true"], at: "2020-01-01T00:00:00Z", zone: "UTC", misfire: "skip" },
        marker: { command: ["true"] }
        """#

    func runs(_ steward: Running, _ job: String) async throws -> [RunBody] {
        let (code, output) = try await steward.client(["runs", "--json", "--job", job])
        try #require(code == 0, "\(output)")
        return try ScopesAndAuditTests.decode([RunBody].self, output.joined(separator: "\n"))
    }

    @Test("fireOnceNow runs it once at start, skip records it missed; after a restart neither is handled again")
    func missedAtOnceAcrossRestarts() async throws {
        let journal = try TemporaryDirectory("missed-at")
        let path = journal.file("journal.sqlite")
        let instant = "2020-01-01T00:00:00Z"
        do {
            let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: Self.jobs, journal: path)
            #expect(await eventually { (try? await runs(steward, "late").first?.state) == "succeeded" })
            #expect(await eventually { (try? await runs(steward, "skipped").first?.state) == "missed" })
            let late = try await runs(steward, "late")
            #expect(late.count == 1 && late.first.map { InstantText.format($0.scheduledFor!) } == instant)
            let skipped = try #require(try await runs(steward, "skipped").first)
            #expect(skipped.error?.contains("misfire skip") == true, "\(skipped.error ?? "nil")")
            #expect(try await steward.client(["shutdown"]).code == 0)
            _ = await steward.run.waitForExit()
        }
        let again = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: Self.jobs, journal: path)
        #expect(await eventually { (try? await again.client(["health"]).code) == 0 })
        #expect(try await again.client(["trigger", "marker"]).code == 0)
        #expect(await eventually { (try? await runs(again, "marker").first?.state) == "succeeded" })
        #expect(try await runs(again, "late").count == 1)
        #expect(try await runs(again, "skipped").count == 1)
    }
}
