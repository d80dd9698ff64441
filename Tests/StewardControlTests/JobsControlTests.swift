import Foundation
import StewardCore
import StewardControl
import TestSupport
import Testing

/// Jobs of the config file, seen and driven through a running steward.
@Suite("steward's jobs over the control socket", .timeLimit(.minutes(1)))
struct JobsControlTests {
    typealias Running = ControlPlaneTests.Running

    func runs(_ steward: Running, _ arguments: [String] = []) async throws -> [RunBody] {
        let (code, output) = try await steward.client(["runs", "--json"] + arguments)
        try #require(code == 0, "\(output)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([RunBody].self, from: Data(output.joined(separator: "\n").utf8))
    }

    @Test("a cron job fires on its own; an on-demand job runs when triggered; runs show state, progress, exit code and logs")
    func cronAndOnDemand() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            tick: { command: ["sh", "-c", "echo \"tick [$STEWARD_JOB_ID]\""], schedule: "* * * * * *", zone: "UTC" },
            manual: { command: ["sh", "-c", "echo 'STEWARD_PROGRESS 40% half way'; echo 'ünïcode [ok]'; echo oops >&2; exit 3"],
                      description: "by hand" }
            """#)
        #expect(await eventually { (try? await runs(steward, ["--job", "tick", "--state", "succeeded"]).isEmpty) == false })
        let tick = try #require(try await runs(steward, ["--job", "tick", "--state", "succeeded"]).first)
        #expect(tick.trigger == "schedule")
        #expect(tick.zone == "UTC" || tick.zone == "GMT")
        let tickLog = try await steward.client(["run", "logs", tick.runId])
        #expect(tickLog.output.contains("tick [tick]"), "\(tickLog.output)")

        let jobs = try await steward.client(["jobs"])
        #expect(jobs.code == 0)
        #expect(jobs.output.first?.hasPrefix("JOB") == true)
        #expect(jobs.output.contains { $0.hasPrefix("manual") && $0.contains("on demand") })
        #expect(jobs.output.contains { $0.hasPrefix("tick") && $0.contains("* * * * * *") })

        let trigger = try await steward.client(["trigger", "manual"])
        #expect(trigger.code == 0, "\(trigger.output)")
        let runId = try #require(trigger.output.first?.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(await eventually { (try? await runs(steward, ["--job", "manual"]).first?.state) == "failed" })
        let manual = try #require(try await runs(steward, ["--job", "manual"]).first)
        #expect(manual.runId == runId)
        #expect(manual.exitCode == 3)
        #expect(manual.trigger == "manual" && manual.requestedBy?.contains("@") == true)
        #expect(manual.progressFraction == 0.4 && manual.progressMessage == "half way")
        #expect(manual.error?.contains("exited 3") == true)
        #expect(manual.errorDetail?.contains("oops") == true, "the stderr tail: \(manual.errorDetail ?? "nil")")

        let log = try await steward.client(["run", "logs", runId])
        #expect(log.output.contains("ünïcode [ok]") && log.output.contains("oops"), "\(log.output)")
        #expect(!log.output.contains { $0.contains("STEWARD_PROGRESS") }, "progress lines are not log lines")
        let shown = try await steward.client(["run", "show", runId])
        #expect(shown.output.contains { $0.hasPrefix("state:") && $0.hasSuffix("failed") })
        #expect(shown.output.contains { $0.hasPrefix("exit code:") && $0.hasSuffix("3") })

        let unknown = try await steward.client(["trigger", "nope"])
        #expect(unknown.code == 1)
        #expect(unknown.output.contains { $0.contains("nope") })
        let badState = try await steward.client(["runs", "--state", "sideways"])
        #expect(badState.code == 1)
        #expect(badState.output.contains { $0.contains("unknown run state \"sideways\"") })

        // Over TCP without a token: records yes, logs and triggers no.
        #expect(await steward.http.get("/jobs")?.status == 200)
        let overTCP = try #require(await steward.http.get("/runs/\(runId)"))
        #expect(overTCP.status == 200)
        #expect(overTCP.body.contains("withheld") && !overTCP.body.contains("oops"), "stderr is an operator's: \(overTCP.body)")
        #expect(await steward.http.get("/runs/\(runId)/log")?.status == 403)
        #expect(await steward.http.request("POST", "/jobs/manual/trigger")?.status == 403)
    }

    @Test("stopping a running job ends it stopped; a reload adds a job")
    func stopAndReload() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            long: { command: ["sh", "-c", "echo started; exec sleep 30"], stopTimeout: "2s" }
            """#)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        let trigger = try await steward.client(["trigger", "long"])
        let runId = try #require(trigger.output.first?.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(await eventually { (try? await runs(steward, ["--job", "long"]).first?.state) == "running" })
        #expect(try await steward.client(["run", "stop", runId]).code == 0)
        #expect(await eventually { (try? await runs(steward, ["--job", "long"]).first?.state) == "stopped" })

        let path = steward.directory + "/steward.json5"
        var config = try String(contentsOfFile: path, encoding: .utf8)
        config = config.replacingOccurrences(of: "jobs: { ", with: "jobs: { extra: { command: [\"true\"] }, ")
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let reload = try await steward.client(["reload"])
        #expect(reload.output == ["reload: added job extra"], "\(reload.output)")
        #expect(try await steward.client(["trigger", "extra"]).code == 0)
    }

    @Test("/events carries the runs of jobs: created, started, ended")
    func runEventsOnTheStream() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            hello: { command: ["sh", "-c", "echo hi"] }
            """#)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        let http = steward.http
        let subscribed = Latch()
        let reader = Task.detached {
            await http.streamLines("/events") { lines in
                if lines.contains(": steward events") { subscribed.fire() }
                return lines.contains { $0.hasPrefix("data: ") && $0.contains("\"state\":\"succeeded\"") }
            }
        }
        #expect(await eventually { subscribed.isFired })
        #expect(try await steward.client(["trigger", "hello"]).code == 0)
        let lines = await reader.value
        let runLines = lines.filter { $0.hasPrefix("data: ") && $0.contains("\"jobId\":\"hello\"") }
        #expect(lines.contains("event: run"))
        #expect(runLines.contains { $0.contains("\"state\":\"running\"") })
        #expect(runLines.contains { $0.contains("\"state\":\"succeeded\"") })
    }
}
