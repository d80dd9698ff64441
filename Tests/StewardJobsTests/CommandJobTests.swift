import Foundation
import StewardCore
import StewardJobs
import Testing

@Suite("Command jobs (real child processes)", .timeLimit(.minutes(1)))
struct CommandJobTests {
    private let path = ["PATH": "/usr/bin:/bin"]

    @Test("stdout lines go to the run log byte-exact, the exit code is recorded, the input arrives as JSON")
    func success() async throws {
        let h = Harness()
        let script = #"echo "one"; echo "two [x] {\"k\": 1}"; echo "$STEWARD_JOB_INPUT"; printf 'ünï 🎉\tend'"#
        try await h.scheduler.define(JobDefinition(id: "cmd", job: CommandJob(["sh", "-c", script], environment: path)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("cmd", input: ["who": "ci"])
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .succeeded)
        #expect(record?.exitCode == 0)
        #expect(record?.signal == nil)
        #expect(record?.output == ["exitCode": 0])
        let lines = try await h.store.readLog(runId, from: 0, limit: nil).lines.filter { $0.source == .stdout }
        #expect(lines.map(\.text) == ["one", #"two [x] {"k": 1}"#, #"{"who":"ci"}"#, "ünï 🎉\tend"])
        await h.scheduler.shutdown()
    }

    @Test("a non-zero exit fails the run with the exit code and the tail of stderr")
    func failure() async throws {
        let h = Harness()
        let script = "for i in 1 2 3 4 5; do echo \"err $i\" >&2; done; exit 3"
        try await h.scheduler.define(JobDefinition(id: "fail", job: CommandJob(["sh", "-c", script], environment: path, stderrTailLines: 2)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("fail")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .failed)
        #expect(record?.exitCode == 3)
        #expect(record?.error == #"command "sh" exited 3"#)
        #expect(record?.errorDetail == "err 4\nerr 5")
        let stderr = try await h.store.readLog(runId, from: 0, limit: nil).lines.filter { $0.source == .stderr }
        #expect(stderr.count == 5)
        await h.scheduler.shutdown()
    }

    @Test("a command killed by a signal nobody sent is recorded crashed with the signal and its stderr tail")
    func crash() async throws {
        let h = Harness()
        let crashes = Recorder<RunID>()
        try await h.scheduler.define(JobDefinition(id: "crash", callbacks: RunCallbacks(onCrash: { crashes.record($0.runId) }),
                                                   job: CommandJob(["sh", "-c", "echo dying >&2; kill -USR1 $$"], environment: path)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("crash")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .crashed)
        #expect(record?.signal == SIGUSR1)
        #expect(record?.exitCode == nil)
        #expect(record?.errorDetail == "dying")
        #expect(record?.error == #"command "sh" killed by SIGUSR1"#)
        #expect(crashes.all == [runId])
        await h.scheduler.shutdown()
    }

    @Test("stop sends SIGTERM to the group: a command that exits on it ends stopped")
    func stopCooperatingCommand() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "sleepy",
                                                   job: CommandJob(["sh", "-c", "echo ready; sleep 30; echo never"], environment: path)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("sleepy")
        try await eventually("the command running") { try await h.logTexts(runId).contains("ready") }
        try await h.scheduler.stop(runId)
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .stopped)
        #expect(record?.signal == SIGTERM)
        #expect(try await h.logTexts(runId).contains("never") == false)
        await h.scheduler.shutdown()
    }

    @Test("a command trapping SIGTERM gets SIGKILL after the grace period and is recorded killed")
    func stopTrappingCommand() async throws {
        let h = Harness()
        let script = "trap 'echo got TERM' TERM; echo ready; while :; do sleep 0.05; done"
        try await h.scheduler.define(JobDefinition(id: "trap", stopGracePeriod: .seconds(3),
                                                   job: CommandJob(["sh", "-c", script], environment: path)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("trap")
        try await eventually("the trap installed") { try await h.logTexts(runId).contains("ready") }
        try await h.scheduler.stop(runId)
        try await eventually("the command saw SIGTERM") { try await h.logTexts(runId).contains("got TERM") }
        await h.clock.waitForElapsedSleeper(at: .seconds(3))
        #expect(try await h.record(runId).state == .running)  // survives the stop signal during the grace
        h.clock.advance(by: .seconds(3))
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .killed)
        #expect(record?.signal == SIGKILL)
        #expect(try await h.logTexts(runId).filter { $0 == "got TERM" }.count == 1, "the stop signal is sent once")
        await h.scheduler.shutdown()
    }

    @Test("a command that cannot start fails the run with the spawn error")
    func spawnFailure() async throws {
        let h = Harness()
        try await h.scheduler.define(JobDefinition(id: "missing", job: CommandJob(["/nonexistent/program"], environment: path)))
        await h.scheduler.start()
        let runId = try await h.scheduler.trigger("missing")
        let record = await h.scheduler.waitForCompletion(of: runId)
        #expect(record?.state == .failed)
        #expect(record?.error?.contains("cannot start command \"/nonexistent/program\"") == true)
        await h.scheduler.shutdown()
    }
}
