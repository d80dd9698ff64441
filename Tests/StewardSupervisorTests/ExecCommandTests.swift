import StewardCLI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `steward exec`, the real binary, real signals.
@Suite("steward exec", .timeLimit(.minutes(1)))
struct ExecCommandTests {
    let steward = ChildProgram.buildDirectory + "/steward"

    @Test("exits with the child's code, 127 when it cannot start, 64 on bad usage")
    func exitCodes() async throws {
        #expect(try await ChildProgram([steward, "exec", "--", "sh", "-c", "exit 3"]).waitForExit()?.exitCode == 3)
        #expect(try await ChildProgram([steward, "exec", "no-such-command-here"]).waitForExit()?.exitCode == 127)
        let usage = try ChildProgram([steward, "exec"])
        #expect(await usage.waitForExit()?.exitCode == 64)
        #expect(usage.lines.first == "steward: exec: no command given (usage: steward exec [--group] [--grace D] [--] CMD ARGS…)")
        #expect(try await ChildProgram([steward, "exec", "--grace", "soon", "true"]).waitForExit()?.exitCode == 64)
    }

    @Test("forwards SIGUSR1 to the child and exits 143 when SIGTERM kills it")
    func forwardsSignals() async throws {
        let child = try ChildProgram([steward, "exec", "--", "sh", "-c", "trap 'echo got USR1' USR1; echo ready; while :; do sleep 0.05; done"])
        #expect(await child.waitForLine("ready"))
        child.signal(SIGUSR1)
        #expect(await child.waitForLine("got USR1"))
        child.signal(SIGTERM)
        #expect(await child.waitForExit()?.exitCode == 143)
    }

    @Test("--group signals the whole process group")
    func groupForwarding() async throws {
        let child = try ChildProgram([steward, "exec", "--group", "--", "sh", "-c",
                                      "sh -c 'trap \"echo grandchild got TERM; exit 0\" TERM; echo ready; while :; do sleep 0.05; done' & wait"])
        #expect(await child.waitForLine("ready"))
        child.signal(SIGTERM)
        #expect(await child.waitForLine("grandchild got TERM"))
        _ = await child.waitForExit()
    }

    @Test("a grandchild that needs 0.3 s to clean up after SIGTERM gets it in the final sweep")
    func finalSweepGrace() async throws {
        let marker = "/tmp/steward-sweep-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(marker) }
        let child = try ChildProgram([steward, "exec", "--grace", "10s", "--", "sh", "-c",
                                      "(trap 'sleep 0.3; echo cleaned > \(marker); exit 0' TERM; sleep 60 & wait) & sleep 0.1; echo parent-exits"])
        #expect(await child.waitForExit()?.exitCode == 0)
        #expect(access(marker, F_OK) == 0, "the grandchild did not finish its cleanup: \(child.lines)")
        #expect(child.lines.contains { $0.contains("final sweep: 2 left: SIGTERM, then SIGKILL to 0") })
    }

    @Test("argument parsing")
    func parsing() throws {
        #expect(try ExecCommand.parse(["--group", "--", "-weird", "x"]) == .init(group: true, grace: .seconds(5), command: ["-weird", "x"]))
        #expect(try ExecCommand.parse(["--grace", "250ms", "cmd"]).grace == .milliseconds(250))
        #expect(throws: CommandLineError.self) { try ExecCommand.parse(["--bogus", "cmd"]) }
    }
}
