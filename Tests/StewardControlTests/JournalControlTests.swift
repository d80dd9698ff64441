import Foundation
import StewardControl
import StewardCore
import StewardJobs
import Testing
import TestSupport

/// The journal as steward's users meet it: through the binary and the CLI, across processes.
@Suite("steward's run journal", .timeLimit(.minutes(2)))
struct JournalControlTests {
    typealias Running = ControlPlaneTests.Running

    /// Runs `steward ARGS` (no socket: the journal is found from the arguments); returns its exit
    /// code and output.
    static func steward(_ arguments: [String]) async throws -> (code: Int32?, output: [String]) {
        let child = try ChildProgram([ControlPlaneTests.steward] + arguments)
        let status = await child.waitForExit()
        return (status?.exitCode, child.lines)
    }

    static func decodeRuns(_ output: [String]) throws -> [RunBody] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([RunBody].self, from: Data(output.joined(separator: "\n").utf8))
    }

    @Test("a run is durable before its command starts: the command, a second process, reads itself running in the journal")
    func durableBeforeExecute() async throws {
        let directory = try TemporaryDirectory("durable")
        let journal = directory.file("journal.sqlite")
        // The command is a second process reading the journal file while its own run executes.
        let wrapped = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: """
            probe: { command: ["sh", "-c", "exec \\"$0\\" run show --journal \\"$1\\" --json \\"$STEWARD_RUN_ID\\"", "\(ControlPlaneTests.steward)", "\(journal)"] }
            """, journal: journal)
        #expect(await eventually { (try? await wrapped.client(["health"]).code) == 0 })
        let trigger = try await wrapped.client(["trigger", "probe"])
        let runId = try #require(trigger.output.first?.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(await eventually { (try? await Self.steward(["run", "show", "--journal", journal, runId]).output.joined().contains("succeeded")) == true })
        let log = try await Self.steward(["run", "logs", "--journal", journal, runId])
        #expect(log.output.first?.hasPrefix("started pid") == true, "\(log.output)")
        let seen = try JSONDecoder.iso.decode(RunBody.self, from: Data(log.output.dropFirst().joined(separator: "\n").utf8))
        #expect(seen.runId == runId)
        #expect(seen.state == "running")
        #expect(seen.startedAt != nil)
    }

    @Test("the history outlives steward: after it stops, runs, run show and run logs read the journal from the config")
    func historyAfterStop() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            hello: { command: ["sh", "-c", "echo 'hello [1]'; echo 'ünïcode'"] },
            broken: { command: ["sh", "-c", "echo boom >&2; exit 4"] }
            """#)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        #expect(try await steward.client(["trigger", "hello"]).code == 0)
        #expect(try await steward.client(["trigger", "broken"]).code == 0)
        #expect(await eventually {
            ((try? await JobsControlTests().runs(steward, ["--state", "succeeded,failed"])) ?? []).filter { $0.jobId != "journal-retention" }.count == 2
        })
        steward.run.signal(SIGTERM)
        #expect(await steward.run.waitForExit()?.exitCode == 0)
        let config = steward.directory + "/steward.json5"

        let listed = try await Self.steward(["runs", "--config", config, "--json"])
        #expect(listed.code == 0, "\(listed.output)")
        let runs = try Self.decodeRuns(listed.output)
        #expect(Set(runs.map(\.jobId)) == ["hello", "broken"])
        let broken = try #require(runs.first { $0.jobId == "broken" })
        #expect(broken.state == "failed")
        #expect(broken.exitCode == 4)

        let table = try await Self.steward(["runs", "--config", config, "--job", "hello"])
        #expect(table.output.first?.hasPrefix("RUN") == true)
        #expect(table.output.count == 2)
        let hello = try #require(runs.first { $0.jobId == "hello" })
        let show = try await Self.steward(["run", "show", String(hello.runId.prefix(8)), "--config", config])
        #expect(show.code == 0)
        #expect(show.output.contains { $0.contains(hello.runId) })
        let logs = try await Self.steward(["run", "logs", hello.runId, "--config", config])
        #expect(logs.output.first?.hasPrefix("started pid") == true)
        #expect(logs.output.dropFirst() == ["hello [1]", "ünïcode"])
        let followed = try await Self.steward(["run", "logs", "-f", hello.runId, "--config", config])
        #expect(followed.output == logs.output)

        let badState = try await Self.steward(["runs", "--config", config, "--state", "finished"])
        #expect(badState.code == 1)
        #expect(badState.output.contains { $0.contains("--state: unknown run state \"finished\"") })
        let missing = try await Self.steward(["runs", "--journal", steward.directory + "/nowhere.sqlite"])
        #expect(missing.code == 1)
        #expect(missing.output.contains { $0.contains("no journal at") })
    }
}

extension JSONDecoder {
    /// A decoder for steward's JSON (ISO 8601 dates).
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
