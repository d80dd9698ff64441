import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("Command jobs: STEWARD_OUTPUT, STEWARD_INPUT, steps of commands, a command's own time limit", .timeLimit(.minutes(1)))
struct CommandOutputTests {
    private let path = ["PATH": "/usr/bin:/bin"]

    @Test("a STEWARD_OUTPUT line that is not JSON fails the run naming it, though the command exited 0")
    func invalidOutput() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "bad", job: CommandJob(["sh", "-c", "echo 'STEWARD_OUTPUT {rows: 3'"], environment: path)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("bad")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .failed)
        #expect(record?.error?.contains("STEWARD_OUTPUT line that is not JSON") == true, "\(record?.error ?? "nil")")
        #expect(record?.errorDetail == "{rows: 3")
        #expect(record?.output == nil)
        await h.scheduler.shutdown()
    }

    @Test("the last STEWARD_OUTPUT line is the run's output and not a log line; STEWARD_INPUT and STEWARD_JOB are set")
    func outputAndInput() async throws {
        let h = Harness()
        let script = #"echo "in=$STEWARD_INPUT job=$STEWARD_JOB"; echo 'STEWARD_OUTPUT {"n": 1}'; echo 'STEWARD_OUTPUT {"n": 2, "s": "ü"}'"#
        try await h.scheduler.define(JobDefinition(id: "out", job: CommandJob(["sh", "-c", script], environment: path)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("out", input: ["k": [1, 2]])
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .succeeded)
        #expect(record?.output == ["n": 2, "s": "ü"])
        let stdout = try await h.store.readLog(runId, from: 0, limit: nil).lines.filter { $0.source == .stdout }
        #expect(stdout.map(\.text) == [#"in={"k":[1,2]} job=out"#])
        await h.scheduler.shutdown()
    }

    @Test("in a pipeline of commands each step's STEWARD_OUTPUT is the next one's STEWARD_INPUT; the last is the run's output")
    func pipelineOfCommands() async throws {
        let h = Harness()
        let pipeline = try Pipeline([
            .init(name: "first", job: CommandJob(["sh", "-c", #"echo "STEWARD_OUTPUT {\"from\": $STEWARD_INPUT}""#], environment: path)),
            .init(name: "second", job: CommandJob(["sh", "-c", #"echo "STEWARD_OUTPUT [$STEWARD_INPUT]""#], environment: path)),
        ])
        try await h.scheduler.define(JobDefinition(id: "p", job: pipeline))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("p", input: 7)
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .succeeded)
        #expect(record?.output == [["from": 7]])
        #expect(record?.steps == ["first", "second"])
        #expect(record?.lastCompletedStep == "second")
        await h.scheduler.shutdown()
    }

    @Test("a command past its own timeout is stopped (SIGKILL after its grace when it ignores SIGTERM) and fails, not crashed")
    func ownTimeout() async throws {
        let h = Harness()
        let script = "trap '' TERM; echo waiting; while :; do sleep 0.05; done"
        try await h.scheduler.define(JobDefinition(id: "slow", job: CommandJob(["sh", "-c", script], environment: path,
                                                                              timeout: .seconds(30), stopTimeout: .milliseconds(200))))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("slow")
        try await eventually("the command is up") { try await h.logTexts(runId).contains("waiting") }
        h.clock.advance(by: .seconds(30))  // its limit: SIGTERM (ignored); the grace runs on real time
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .failed)
        #expect(record?.error == #"command "sh" timed out after 30s (killed by SIGKILL)"#, "\(record?.error ?? "nil")")
        await h.scheduler.shutdown()
    }
}
