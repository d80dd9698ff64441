import Foundation
import StewardControl
import StewardCore
import TestSupport
import Testing

/// Config jobs through a real `steward run`: steps, the environment a command gets (and a child
/// run it starts with the CLI), onSuccess / onFailure hooks.
@Suite("Config jobs: steps, environment, child runs, hooks", .timeLimit(.minutes(1)))
struct ConfigJobRunsTests {
    typealias Running = ControlPlaneTests.Running

    func runs(_ steward: Running, _ arguments: [String] = []) async throws -> [RunBody] {
        let (code, output) = try await steward.client(["runs", "--json"] + arguments)
        try #require(code == 0, "\(output)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([RunBody].self, from: Data(output.joined(separator: "\n").utf8))
    }

    /// Triggers `job`; returns the run id the CLI printed.
    func trigger(_ steward: Running, _ job: String) async throws -> String {
        let trigger = try await steward.client(["trigger", job])
        try #require(trigger.code == 0, "\(trigger.output)")
        return try #require(trigger.output.first?.split(separator: " ").dropFirst(2).first.map(String.init), "\(trigger.output)")
    }

    /// Waits for run `runId` to reach a final state; returns its body.
    func final(_ steward: Running, _ runId: String) async throws -> RunBody {
        var found: RunBody?
        _ = await eventually {
            found = try? await runs(steward).first { $0.runId == runId }
            return found.map { !["queued", "running"].contains($0.state) } ?? false
        }
        return try #require(found, "run \(runId) not found")
    }

    @Test("a step that fails stops the run there, named in its error; a bad STEWARD_OUTPUT fails its step")
    func failingSteps() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            broken: { steps: [
              { name: "one", command: ["sh", "-c", "echo 'STEWARD_OUTPUT {\"a\": 1}'"] },
              { name: "two", command: ["sh", "-c", "echo boom >&2; exit 4"] },
              { name: "three", command: ["sh", "-c", "echo never"] },
            ] },
            garbled: { steps: [ { name: "only", command: ["sh", "-c", "echo 'STEWARD_OUTPUT not json'"] } ] }
            """#)
        let broken = try await final(steward, try await trigger(steward, "broken"))
        #expect(broken.state == "failed")
        #expect(broken.steps == ["one", "two", "three"])
        #expect(broken.lastCompletedStep == "one")
        #expect(broken.exitCode == 4)
        #expect(broken.error?.contains("two") == true, "\(broken.error ?? "nil")")
        let log = try await steward.client(["run", "logs", broken.runId])
        #expect(!log.output.contains("never"))
        let garbled = try await final(steward, try await trigger(steward, "garbled"))
        #expect(garbled.state == "failed")
        #expect(garbled.error?.contains("not JSON") == true, "\(garbled.error ?? "nil")")
    }

    @Test("steps pass JSON on: each step's STEWARD_OUTPUT is the next one's STEWARD_INPUT, the last one's the run's output")
    func stepsPassOutput() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            etl: { env: { WHO: "job" }, steps: [
              { name: "extract", command: ["sh", "-c", "echo 'STEWARD_PROGRESS 10% extracting'; echo \"STEWARD_OUTPUT {\\\"rows\\\": 12, \\\"by\\\": \\\"$WHO\\\"}\""], env: { WHO: "step" } },
              { name: "load", command: ["sh", "-c", "echo \"got $STEWARD_INPUT\"; echo \"STEWARD_OUTPUT {\\\"loaded\\\": $STEWARD_INPUT}\""] },
            ] }
            """#)
        let runId = try await trigger(steward, "etl")
        let run = try await final(steward, runId)
        #expect(run.state == "succeeded", "\(run.error ?? "")")
        #expect(run.steps == ["extract", "load"])
        #expect(run.lastCompletedStep == "load")
        #expect(run.output == #"{"loaded":{"by":"step","rows":12}}"#)
        let log = try await steward.client(["run", "logs", runId])
        #expect(log.output.contains { $0.contains(#"got {"by":"step","rows":12}"#) }, "\(log.output)")
        #expect(!log.output.contains { $0.contains("STEWARD_OUTPUT") || $0.contains("STEWARD_PROGRESS") })
    }

    @Test("a command gets STEWARD_RUN_ID, STEWARD_JOB and STEWARD_SOCKET; the CLI inside triggers a child run")
    func environmentAndChildRun() async throws {
        let directory = "/tmp/steward-envjob-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(directory, 0o755)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: """
            parent: { command: ["sh", "-c", "env | grep ^STEWARD_ > \(directory)/env.txt; \(ControlPlaneTests.steward) trigger child > \(directory)/trigger.txt 2>&1"] },
            child: { command: ["true"] }
            """)
        let runId = try await trigger(steward, "parent")
        #expect(try await final(steward, runId).state == "succeeded")
        let text = try String(contentsOfFile: directory + "/env.txt", encoding: .utf8)
        let variables = Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
        #expect(variables["STEWARD_RUN_ID"] == runId)
        #expect(variables["STEWARD_JOB"] == "parent")
        #expect(variables["STEWARD_SOCKET"] == steward.socket)
        #expect(variables["STEWARD_INPUT"] == "null")
        let triggered = try String(contentsOfFile: directory + "/trigger.txt", encoding: .utf8)
        #expect(triggered.contains("child"), "\(triggered)")
        #expect(await eventually { (try? await runs(steward, ["--job", "child"]).first?.state) == "succeeded" }, "\(triggered)")
    }

    @Test("hooks: onSuccess and onFailure get the run's id, state, exit code and job; a failing hook changes nothing; a hanging one is killed")
    func hooks() async throws {
        let directory = "/tmp/steward-hooks-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(directory, 0o755)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let record = #"echo \"$STEWARD_JOB $STEWARD_RUN_ID $STEWARD_RUN_STATE [$STEWARD_EXIT_CODE]\" >> \#(directory)/hooks.txt"#
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            good: { command: ["true"], onSuccess: ["sh", "-c", "\#(record)"], onFailure: ["sh", "-c", "echo wrong >> \#(directory)/hooks.txt"] },
            bad: { command: ["sh", "-c", "exit 3"], onSuccess: ["sh", "-c", "echo wrong >> \#(directory)/hooks.txt"], onFailure: ["sh", "-c", "\#(record)"] },
            many: { command: ["true"], onSuccess: ["sh", "-c", "i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo line $i; done"] },
            loud: { command: ["true"], onSuccess: ["sh", "-c", "echo hello from the hook; echo complaint >&2; exit 9"] },
            hangs: { command: ["true"], onSuccess: ["sh", "-c", "trap '' TERM; echo $$ > \#(directory)/hang.pid; while :; do sleep 0.05; done"], hookTimeout: "300ms" }
            """#)
        let good = try await trigger(steward, "good")
        #expect(try await final(steward, good).state == "succeeded")
        let bad = try await trigger(steward, "bad")
        #expect(try await final(steward, bad).state == "failed")
        let expected = ["good \(good) succeeded [0]", "bad \(bad) failed [3]"]
        #expect(await eventually {
            let lines = ((try? String(contentsOfFile: directory + "/hooks.txt", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return Set(lines) == Set(expected)
        }, "\((try? String(contentsOfFile: directory + "/hooks.txt", encoding: .utf8)) ?? "")")

        let loud = try await trigger(steward, "loud")
        #expect(try await final(steward, loud).state == "succeeded")
        #expect(await eventually {
            (try? await steward.client(["run", "logs", loud]).output.contains { $0.contains("onSuccess callback failed") && $0.contains("exited 9") }) == true
        })
        #expect(try await final(steward, loud).state == "succeeded")
        let loudLog = try await steward.client(["run", "logs", loud]).output
        #expect(loudLog.contains { $0.hasSuffix("onSuccess | hello from the hook") }, "\(loudLog)")
        #expect(loudLog.contains { $0.hasSuffix("onSuccess | complaint") }, "\(loudLog)")

        let many = try await trigger(steward, "many")
        #expect(try await final(steward, many).state == "succeeded")
        #expect(await eventually {
            (try? await steward.client(["run", "logs", many]).output.contains { $0.hasSuffix("onSuccess | line 300") }) == true
        })
        let manyLog = try await steward.client(["run", "logs", many]).output
        #expect(manyLog.contains { $0.hasSuffix("onSuccess | (100 earlier line(s) not kept)") }, "\(manyLog.prefix(5))")
        #expect(manyLog.contains { $0.hasSuffix("onSuccess | line 101") })
        #expect(!manyLog.contains { $0.hasSuffix("onSuccess | line 100") })

        let hangs = try await trigger(steward, "hangs")
        #expect(await eventually {
            (try? await steward.client(["run", "logs", hangs]).output.contains { $0.contains("timed out after 300ms") }) == true
        })
        #expect(try await final(steward, hangs).state == "succeeded")
        let pid = try #require(Int32((try String(contentsOfFile: directory + "/hang.pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await eventually { kill(pid, 0) != 0 }, "the hanging hook was killed")
    }

    /// Fault: a hook still running when steward is asked to stop used to hold the shutdown until
    /// the jobs component was abandoned (exit 143, the journal not checkpointed).
    @Test("SIGTERM while a hook runs: the hook is stopped at once and steward exits cleanly")
    func shutdownDuringHook() async throws {
        let directory = "/tmp/steward-hookstop-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            slow: { command: ["true"], onSuccess: ["sh", "-c", "echo $$ > \#(directory).pid; exec sleep 60"] }
            """#)
        defer { unlink(directory + ".pid") }
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        _ = try await trigger(steward, "slow")
        var hook: Int32?
        #expect(await eventually {
            hook = (try? String(contentsOfFile: directory + ".pid", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return hook != nil
        })
        steward.run.signal(SIGTERM)
        // Exit 0 within the hook's stop grace; before, 143 once the jobs component was abandoned.
        #expect(await steward.run.waitForExit(seconds: 30)?.exitCode == 0)
        if let hook { #expect(kill(hook, 0) != 0, "the hook was stopped") }
    }
}
