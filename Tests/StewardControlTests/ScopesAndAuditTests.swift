import Foundation
import StewardControl
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Tags (scopes) and the audit of operator actions through a real `steward run`: the CLI over
/// the control socket and HTTP over TCP.
@Suite("steward's scopes and audit", .timeLimit(.minutes(1)))
struct ScopesAndAuditTests {
    typealias Running = ControlPlaneTests.Running

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(text.utf8))
    }

    @Test("--tag and ?tag= list only the jobs carrying the tag, and only their runs")
    func tagsFilterJobsAndRuns() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            invoice: { command: ["true"], tags: ["billing", "nightly"] },
            refund: { command: ["true"], tags: ["billing"] },
            cleanup: { command: ["true"], tags: ["nightly"] },
            untagged: { command: ["true"] },
            window: { command: ["true"], schedule: "0 0 3 * * *", zone: "UTC", start: "2030-01-01T00:00:00Z",
                      end: "2030-02-01T00:00:00Z", tags: ["windowed"] }
            """#, token: "s3cret")
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        for job in ["invoice", "refund", "cleanup", "untagged"] {
            #expect(try await steward.client(["trigger", job]).code == 0)
        }
        let finished = { () async throws -> Int in
            let (_, output) = try await steward.client(["runs", "--json", "--state", "succeeded"])
            return try Self.decode([RunBody].self, output.joined(separator: "\n")).count
        }
        #expect(await eventually { (try? await finished()) == 4 })

        let jobs = try await steward.client(["jobs", "--tag", "billing", "--json"])
        #expect(jobs.code == 0, "\(jobs.output)")
        let bodies = try Self.decode([JobBody].self, jobs.output.joined(separator: "\n"))
        #expect(bodies.map(\.id) == ["invoice", "refund"])
        #expect(bodies.first?.tags == ["billing", "nightly"])
        let table = try await steward.client(["jobs", "--tag", "nightly"])
        #expect(table.output.dropFirst().map { String($0.prefix(while: { $0 != " " })) } == ["cleanup", "invoice"], "\(table.output)")

        // A cron window shows in the schedule column; its next fire is the first inside it.
        let window = try await steward.client(["jobs", "--tag", "windowed"])
        #expect(window.output.count == 2, "\(window.output)")
        #expect(window.output.last?.contains("cron \"0 0 3 * * *\" in ") == true)  // UTC or GMT, as Foundation names it
        #expect(window.output.last?.contains(", from 2030-01-01T00:00:00Z, until 2030-02-01T00:00:00Z") == true)
        #expect(window.output.last?.contains("2030-01-01T03:00:00+00:00") == true, "\(window.output)")

        let runs = try await steward.client(["runs", "--tag", "nightly", "--json"])
        #expect(runs.code == 0, "\(runs.output)")
        #expect(Set(try Self.decode([RunBody].self, runs.output.joined(separator: "\n")).map(\.jobId)) == ["cleanup", "invoice"])
        let none = try await steward.client(["runs", "--tag", "nobody", "--json"])
        #expect(try Self.decode([RunBody].self, none.output.joined(separator: "\n")).isEmpty)
        let bad = try await steward.client(["runs", "--tag", "two words"])
        #expect(bad.code == 64)
        #expect(bad.output.first?.contains("--tag expects a tag") == true, "\(bad.output)")

        let httpJobs = try #require(await steward.http.get("/jobs?tag=billing"))
        #expect(try Self.decode([JobBody].self, httpJobs.body).map(\.id) == ["invoice", "refund"])
        let httpRuns = try #require(await steward.http.get("/runs?tag=billing"))
        #expect(httpRuns.status == 200)
        #expect(Set(try Self.decode([RunBody].self, httpRuns.body).map(\.jobId)) == ["invoice", "refund"])
        #expect(await steward.http.get("/runs?tag=")?.status == 400)
        // Found in review: a valueless ?tag listed everything.
        #expect(await steward.http.get("/runs?tag")?.status == 400)
        #expect(await steward.http.get("/jobs?tag")?.status == 400)
        let all = try #require(await steward.http.get("/runs"))
        #expect(try Self.decode([RunBody].self, all.body).count == 4)
    }

    @Test("every action records who asked: uid N over the socket, http over TCP with the token, monitor with its header; steward audit lists them newest first, and reads the journal once steward is gone")
    func auditRecordsTheActor() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            report: { command: ["true"] }
            """#, token: "s3cret")
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        let uid = getuid()

        // A reload on SIGHUP is recorded too (found in review: only `steward reload` was).
        steward.run.signal(SIGHUP)
        #expect(await eventually {
            let listed = try? await steward.client(["audit", "--json"])
            return listed.map { $0.output.joined().contains("signal SIGHUP") } ?? false
        })
        #expect(try await steward.client(["jobs", "disable", "report"]).code == 0)  // a job action is recorded too
        #expect(try await steward.client(["restart", "idle"]).code == 0)
        let bearer = ["Authorization: Bearer s3cret"]
        let triggered = try #require(await steward.http.request("POST", "/jobs/report/trigger", headers: bearer))
        #expect(triggered.status == 202, "\(triggered.body)")
        let runId = try Self.decode(JobRoutes.TriggerBody.self, triggered.body).runId
        let monitor = try #require(await steward.http.request("POST", "/processes/idle/signal?signal=10",
                                                               headers: bearer + ["X-Steward-Client: monitor"]))
        #expect(monitor.status == 200, "\(monitor.body)")
        #expect(await steward.http.request("POST", "/processes/nope/stop", headers: bearer)?.status == 404)
        // Refused before the route (no token): not an action, not recorded.
        #expect(await steward.http.request("POST", "/processes/idle/stop")?.status == 401)

        let listed = try await steward.client(["audit", "--json"])
        #expect(listed.code == 0, "\(listed.output)")
        let entries = try Self.decode([AuditBody].self, listed.output.joined(separator: "\n"))
        #expect(entries.map(\.action) == ["stop", "signal", "trigger", "restart", "disable", "reload"])
        #expect(entries.map(\.actor) == ["http", "monitor", "http", "uid \(uid)", "uid \(uid)", "signal SIGHUP"])
        #expect(entries.map(\.target) == ["nope", "idle", "report", "idle", "report", ""])
        #expect(entries[0].detail.hasPrefix("refused (404):"), "\(entries[0].detail)")
        #expect(entries[2].runId == runId)
        #expect(entries[2].detail.hasPrefix("run \(runId)"))

        let viaHTTP = try #require(await steward.http.request("GET", "/audit?limit=2", headers: bearer))
        #expect(try Self.decode([AuditBody].self, viaHTTP.body).map(\.action) == ["stop", "signal"])
        #expect(await steward.http.get("/audit")?.status == 401)
        #expect(await steward.http.request("GET", "/audit?limit=zero", headers: bearer)?.status == 400)

        let table = try await steward.client(["audit", "--limit", "1"])
        #expect(table.output.count == 2 && table.output.first?.hasPrefix("AT") == true, "\(table.output)")
        #expect(table.output.last?.contains("http") == true && table.output.last?.contains("nope") == true)

        // Shutdown is recorded too; with steward gone, the audit is read from the journal.
        #expect(try await steward.client(["shutdown"]).code == 0)
        _ = await steward.run.waitForExit()
        let fromFile = try await steward.client(["audit", "--json", "--journal", steward.directory + "/journal.sqlite"])
        #expect(fromFile.code == 0, "\(fromFile.output)")
        let kept = try Self.decode([AuditBody].self, fromFile.output.joined(separator: "\n"))
        #expect(kept.map(\.action) == ["shutdown", "stop", "signal", "trigger", "restart", "disable", "reload"])
        #expect(kept.first?.actor == "uid \(uid)")

        // Bad input: a limit that is not a positive count; a tag with no steward to name its jobs.
        let badLimit = try await steward.client(["audit", "--limit", "0"])
        #expect(badLimit.code == 64 && badLimit.output.first?.contains("--limit expects a positive count") == true, "\(badLimit.output)")
        let orphanTag = try await steward.client(["runs", "--tag", "billing", "--journal", steward.directory + "/journal.sqlite"])
        #expect(orphanTag.code == 1)
        #expect(orphanTag.output.first?.contains("--tag needs the jobs' tags") == true, "\(orphanTag.output)")
    }

    @Test("without jobs there is no journal: the audit is kept in memory and still listed")
    func auditWithoutJobs() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }")
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        #expect(try await steward.client(["reload"]).code == 0)
        #expect(try await steward.client(["stop", "idle"]).code == 0)
        let listed = try await steward.client(["audit", "--json"])
        #expect(listed.code == 0, "\(listed.output)")
        let entries = try Self.decode([AuditBody].self, listed.output.joined(separator: "\n"))
        #expect(entries.map(\.action) == ["stop", "reload"])
        #expect(entries.first?.detail.isEmpty == false)
        #expect(!FileManager.default.fileExists(atPath: steward.directory + "/journal.sqlite"))
    }
}
