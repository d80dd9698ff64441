import Foundation
import StewardControl
import TestSupport
import Testing

/// The operator's job actions through a real `steward run`: runtime job changes, trigger options
/// and input, run wait/retry, run id prefixes, usage errors — bad input first, each time checking
/// that nothing changed.
@Suite("job actions from the CLI", .timeLimit(.minutes(2)))
struct JobActionsControlTests {
    typealias Running = ControlPlaneTests.Running

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func runs(_ steward: Running, _ arguments: [String] = []) async throws -> [RunBody] {
        let (code, output) = try await steward.client(["runs", "--json"] + arguments)
        try #require(code == 0, "\(output)")
        return try decoder().decode([RunBody].self, from: Data(output.joined(separator: "\n").utf8))
    }

    static func job(_ steward: Running, _ name: String) async throws -> JobBody {
        let (code, output) = try await steward.client(["jobs", "--json"])
        try #require(code == 0, "\(output)")
        let jobs = try decoder().decode([JobBody].self, from: Data(output.joined(separator: "\n").utf8))
        return try #require(jobs.first { $0.id == name })
    }

    @Test("trigger: bad input names the argument and creates no run; --input reaches the command as STEWARD_INPUT; -q, --json, --in, --parent")
    func triggerOptions() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            echo: { command: ["sh", "-c", "echo \"input=$STEWARD_INPUT\""] }
            """#)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })

        let bad: [([String], String)] = [
            (["trigger", "echo", "--input", "{\"a\":"], "trigger: --input: expected JSON"),
            (["trigger", "echo", "--in", "x"], "trigger: --in: expected a duration such as 10m, got \"x\""),
            (["trigger", "echo", "--at", "tomorrow"], "trigger: --at: expected an ISO 8601 instant"),
            (["trigger", "echo", "--at", "2020-01-01T00:00:00Z"], "trigger: --at: 2020-01-01T00:00:00Z is in the past"),
            (["trigger", "echo", "--at", "2099-01-01T00:00:00Z", "--in", "1m"], "trigger: --at and --in exclude each other"),
            (["trigger"], "trigger: usage: steward trigger JOB"),
        ]
        for (arguments, message) in bad {
            let result = try await steward.client(arguments)
            #expect(result.code == 64, "\(arguments): \(result.output)")
            #expect(result.output.first?.hasPrefix("steward: " + message) == true, "\(arguments): \(result.output)")
            #expect(result.output.dropFirst().first == "see: steward help trigger", "one line and a hint: \(result.output)")
            #expect(result.output.count == 2, "not the whole help page: \(result.output)")
        }
        let unknown = try await steward.client(["trigger", "nope", "--input", "{}"])
        #expect(unknown.code == 1)
        #expect(unknown.output.contains { $0.contains("no job \"nope\"") }, "\(unknown.output)")
        let unknownParent = try await steward.client(["trigger", "echo", "--parent", "no-such-run"])
        #expect(unknownParent.code == 1)
        #expect(unknownParent.output.contains { $0.contains("parent: no run no-such-run") }, "\(unknownParent.output)")
        #expect(try await Self.runs(steward).isEmpty, "bad input changes nothing")

        let quiet = try await steward.client(["trigger", "echo", "-q", "--input", #"{"day": "2026-12-01", "n": [1, 2]}"#])
        #expect(quiet.code == 0)
        let runId = try #require(quiet.output.first)
        #expect(quiet.output.count == 1 && UUID(uuidString: runId) != nil, "-q prints the run id alone: \(quiet.output)")
        #expect(try await steward.client(["run", "wait", runId, "--timeout", "20s"]).code == 0)
        let log = try await steward.client(["run", "logs", runId])
        #expect(log.output.contains(#"input={"day":"2026-12-01","n":[1,2]}"#), "\(log.output)")

        let json = try await steward.client(["trigger", "echo", "--in", "1h", "--json", "--parent", runId])
        #expect(json.code == 0)
        let later = try JSONDecoder().decode(JobRoutes.TriggerBody.self, from: Data(json.output.joined().utf8))
        #expect(later.state == "scheduled")
        let record = try #require(try await Self.runs(steward, ["--job", "echo"]).first { $0.runId == later.runId })
        #expect(record.state == "queued" && record.trigger == "later" && record.parentRunId == runId)
        let due = try #require(record.scheduledFor)
        #expect(due > Date().addingTimeInterval(50 * 60) && due < Date().addingTimeInterval(70 * 60), "\(due)")
    }

    @Test("run wait and run logs -f exit with the run's outcome; 124 when the wait times out; 66 for no such run; they work with no steward running")
    func waitForOutcome() async throws {
        let journal = "/tmp/steward-wait-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { unlink(journal + suffix) } }
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            ok: { command: ["true"] },
            bad: { command: ["sh", "-c", "echo failing; exit 3"] },
            slow: { command: ["sleep", "30"], stopTimeout: "2s" }
            """#, journal: journal)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        func trigger(_ job: String) async throws -> String {
            let result = try await steward.client(["trigger", job, "-q"])
            return try #require(result.output.first, "\(result.output)")
        }
        let ok = try await trigger("ok")
        let bad = try await trigger("bad")
        let slow = try await trigger("slow")
        let waitedOK = try await steward.client(["run", "wait", ok])
        #expect(waitedOK.code == 0)
        #expect(waitedOK.output == ["\(ok) succeeded"])
        #expect(try await steward.client(["run", "wait", bad]).code == 1)
        #expect(try await steward.client(["run", "logs", bad, "-f"]).code == 1, "run logs -f ends with the run's outcome")
        #expect(try await steward.client(["run", "logs", ok, "-f"]).code == 0)
        let timedOut = try await steward.client(["run", "wait", slow, "--timeout", "300ms"])
        #expect(timedOut.code == 124)
        #expect(timedOut.output.contains { $0.contains("still running after --timeout 300ms") }, "\(timedOut.output)")
        #expect(try await steward.client(["run", "stop", String(slow.prefix(13))]).code == 0, "run stop takes a prefix")
        #expect(try await steward.client(["run", "wait", slow]).code == 3, "stopped")
        let missing = try await steward.client(["run", "wait", "zzzz"])
        #expect(missing.code == 66)
        #expect(missing.output.contains { $0.contains("no run zzzz") }, "\(missing.output)")
        let badTimeout = try await steward.client(["run", "wait", ok, "--timeout", "soon"])
        #expect(badTimeout.code == 64)
        #expect(badTimeout.output.first?.contains("run wait: --timeout: expected a duration") == true, "\(badTimeout.output)")

        #expect(try await steward.client(["shutdown"]).code == 0)
        #expect(await steward.run.waitForExit() != nil)
        let offline = try ChildProgram([ControlPlaneTests.steward, "run", "wait", String(bad.prefix(12)), "--journal", journal])
        #expect(await offline.waitForExit()?.exitCode == 1, "read from the journal with no steward running: \(offline.lines)")
    }

    @Test("every run-id argument takes a unique prefix; an ambiguous one names the matches and changes nothing; retry re-runs with the same input")
    func prefixesAndRetry() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            later: { command: ["sh", "-c", "echo \"got $STEWARD_INPUT\""], overlap: "allow" }
            """#)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        // 17 runs: two of them share their first hex digit.
        var ids: [String] = []
        for index in 0..<17 {
            let result = try await steward.client(["trigger", "later", "--in", "1h", "-q", "--input", "\(index)"])
            ids.append(try #require(result.output.first, "\(result.output)"))
        }
        let groups = Dictionary(grouping: ids) { $0.prefix(1) }
        let (prefix, shared) = try #require(groups.first { $0.value.count > 1 })
        for command in [["run", "show"], ["run", "logs"], ["run", "stop"], ["run", "retry"], ["run", "wait"]] {
            let result = try await steward.client(command + [String(prefix)])
            #expect(result.code != 0, "\(command)")
            #expect(result.output.contains { line in line.contains("several runs start with \(prefix)") && shared.allSatisfy { line.contains($0) } },
                    "\(command): \(result.output)")
        }
        let overHTTP = try #require(await steward.http.get("/runs/\(prefix)"))
        #expect(overHTTP.status == 409 && shared.allSatisfy { overHTTP.body.contains($0) }, "\(overHTTP.status) \(overHTTP.body)")
        #expect(await steward.http.get("/runs/zzzz")?.status == 404)
        let runs = try await Self.runs(steward, ["--job", "later"])
        #expect(runs.count == 17 && runs.allSatisfy { $0.state == "queued" }, "nothing stopped, nothing retried")

        let first = ids[0]
        let unique = try #require((8...36).lazy.map { String(first.prefix($0)) }.first { candidate in ids.count { $0.hasPrefix(candidate) } == 1 })
        #expect(try await steward.client(["run", "stop", unique]).code == 0)
        #expect(await eventually { (try? await Self.runs(steward, ["--job", "later"]).first { $0.runId == first }?.state) == "stopped" })
        let shown = try await steward.client(["run", "show", unique, "--json"])
        #expect(shown.code == 0 && shown.output.joined().contains(first))

        let retry = try await steward.client(["run", "retry", unique])
        #expect(retry.code == 0, "\(retry.output)")
        let newId = try #require(retry.output.first?.split(separator: " ").dropFirst().first.map(String.init), "\(retry.output)")
        #expect(try await steward.client(["run", "wait", newId, "--timeout", "20s"]).code == 0)
        let retried = try #require(try await Self.runs(steward, ["--job", "later"]).first { $0.runId == newId })
        #expect(retried.retryOf == first && retried.input == "0" && retried.trigger == "manual")
        #expect(try await steward.client(["run", "logs", newId]).output.contains("got 0"))
        let unknown = try await steward.client(["run", "retry", "no-such-run"])
        #expect(unknown.code == 1 && unknown.output.contains { $0.contains("no run no-such-run") })
    }

    @Test("enable, disable, reschedule and reset: bad input changes nothing; the change survives a restart and is dropped when the job's config entry changes")
    func runtimeChangesSurviveRestart() async throws {
        let journal = "/tmp/steward-changes-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { unlink(journal + suffix) } }
        // Several env keys: a fingerprint that followed a dictionary's per-process order would differ after the restart.
        let jobs = #"tick: { command: ["true"], every: "1h", zone: "UTC", env: { A: "1", B: "2", C: "3", D: "4", E: "5", F: "6" } }"#
        var steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: jobs, journal: journal)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        let before = try await Self.job(steward, "tick")
        #expect(before.enabled && before.schedule?.hasPrefix("every 1h") == true)

        let bad: [([String], Int32, String)] = [
            (["jobs", "reschedule", "tick", "--schedule", "61 * * * *"], 64, "jobs reschedule: --schedule: invalid cron expression"),
            (["jobs", "reschedule", "tick", "--every", "often"], 64, "jobs reschedule: --every: expected a duration"),
            (["jobs", "reschedule", "tick", "--at", "2020-01-01T00:00:00Z"], 64, "jobs reschedule: --at: the schedule has no fire after now"),
            (["jobs", "reschedule", "tick", "--every", "5m", "--zone", "Mars/Olympus"], 64, "jobs reschedule: --zone: unknown time zone"),
            (["jobs", "reschedule", "tick", "--schedule", "@daily", "--start", "2099-01-02T00:00:00Z", "--end", "2099-01-01T00:00:00Z"], 64,
             "jobs reschedule: --end: end 2099-01-01T00:00:00Z is before start"),
            (["jobs", "reschedule", "tick", "--at", "2099-01-01T00:00:00Z", "--end", "2099-01-02T00:00:00Z"], 64,
             "jobs reschedule: --end: a window is not supported with at"),
            (["jobs", "reschedule", "tick"], 64, "jobs reschedule: give one of"),
            (["jobs", "reschedule", "nope", "--every", "5m"], 1, "no job \"nope\""),
            (["jobs", "disable", "nope"], 1, "no job \"nope\""),
        ]
        for (arguments, code, message) in bad {
            let result = try await steward.client(arguments)
            #expect(result.code == code, "\(arguments): \(result.output)")
            #expect(result.output.first?.hasPrefix("steward: " + message) == true, "\(arguments): \(result.output)")
        }
        let unchanged = try await Self.job(steward, "tick")
        #expect(unchanged.enabled && unchanged.schedule == before.schedule, "bad input changes nothing")

        #expect(try await steward.client(["jobs", "disable", "tick"]).code == 0)
        let rescheduled = try await steward.client(["jobs", "reschedule", "tick", "--every", "10m", "--start", "2026-01-01T00:00:00Z",
                                                    "--end", "2099-01-01T00:00:00Z"])
        #expect(rescheduled.code == 0, "\(rescheduled.output)")
        var changed = try await Self.job(steward, "tick")
        #expect(!changed.enabled && changed.schedule?.hasPrefix("every 10m from 2026-01-01T00:00:00Z") == true, "\(changed.schedule ?? "nil")")

        // A restart keeps both changes.
        #expect(try await steward.client(["shutdown"]).code == 0)
        #expect(await steward.run.waitForExit() != nil)
        steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: jobs, journal: journal)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        changed = try await Self.job(steward, "tick")
        #expect(!changed.enabled && changed.schedule?.hasPrefix("every 10m from 2026-01-01T00:00:00Z") == true, "kept: \(changed.schedule ?? "nil")")
        #expect(changed.changedAtRuntime == true)
        let table = try await steward.client(["jobs"])
        #expect(table.output.contains { $0.hasPrefix("tick (disabled) *") }, "\(table.output)")
        #expect(table.output.contains { $0.hasPrefix("* changed at runtime") }, "\(table.output)")

        // reset drops them, at once and for the next start.
        let reset = try await steward.client(["jobs", "reset", "tick"])
        #expect(reset.output == ["tick: runtime changes dropped; it follows its config again"], "\(reset.output)")
        let restored = try await Self.job(steward, "tick")
        #expect(restored.enabled && restored.schedule?.hasPrefix("every 1h") == true && restored.changedAtRuntime == nil)
        #expect(try await steward.client(["jobs", "disable", "tick"]).code == 0)
        #expect(try await steward.client(["jobs", "reschedule", "tick", "--schedule", "0 3 * * *", "--zone", "Europe/Berlin"]).code == 0)

        // A changed config entry drops them.
        #expect(try await steward.client(["shutdown"]).code == 0)
        #expect(await steward.run.waitForExit() != nil)
        steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: jobs.replacingOccurrences(of: "1h", with: "2h"), journal: journal)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        let dropped = try await Self.job(steward, "tick")
        #expect(dropped.enabled && dropped.schedule?.hasPrefix("every 2h") == true, "\(dropped.schedule ?? "nil")")

        // So does a reload that changes the entry; one that leaves it alone keeps the change.
        #expect(try await steward.client(["jobs", "disable", "tick"]).code == 0)
        #expect(try await steward.client(["reload"]).code == 0)
        #expect(try await Self.job(steward, "tick").enabled == false, "an unchanged entry keeps the change")
        let path = steward.directory + "/steward.json5"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "every: \"2h\"", with: "every: \"3h\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await steward.client(["reload"]).code == 0)
        let reloaded = try await Self.job(steward, "tick")
        #expect(reloaded.enabled && reloaded.schedule?.hasPrefix("every 3h") == true, "\(reloaded.schedule ?? "nil")")
    }
}
