import Foundation
import StewardProcesses
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Fault: steward's stdout stops draining", .timeLimit(.minutes(1)))
struct UndrainedOutputTests {
    /// Fault: steward's stdout is a pipe nobody reads (Docker's blocking log mode behind a slow
    /// log driver, Ctrl-S on a terminal). Before the output queue, the thread reading children's
    /// pipes blocked writing to it, so `flood` never got past its first 64 KiB, and SIGTERM was
    /// never acted on: the signal thread blocked logging it.
    @Test("a stdout nobody reads: children's output is read and dropped, SIGTERM stops every child within its stopTimeout")
    func stdoutNeverRead() async throws {
        let directory = try TemporaryDirectory("undrained")
        let flooded = directory.file("flooded")
        let config = directory.file("steward.json5")
        try Fault.write("""
        {
          processes: {
            // 8 MB of output, then a mark that it was all read by steward, then quiet.
            flood: { command: ["sh", "-c", "echo $$ > \(directory.file("flood.pid")); head -c 8000000 /dev/zero | tr '\\\\0' a | fold -w 99; touch \(flooded); exec sleep 600"], stopTimeout: "5s" },
            // Ignores SIGTERM (its whole group does), and keeps talking.
            stubborn: { command: ["sh", "-c", "trap '' TERM; echo $$ > \(directory.file("stubborn.pid")); while :; do echo still here; sleep 0.01; done"], stopTimeout: "1s" },
          },
        }
        """, to: config)
        // ChildProgram reads steward's output only when asked: here, never.
        let steward = try ChildProgram([Fault.steward, "run", config],
                                       environment: ChildProgram.isolatedEnvironment(["STEWARD_LOG_FORMAT": "logfmt"]))
        let flood = try #require(await Fault.pid(in: directory.file("flood.pid")))
        let stubborn = try #require(await Fault.pid(in: directory.file("stubborn.pid")))
        // Steward read all 8 MB from the child while its own stdout (a 64 KiB pipe) was full.
        #expect(await eventually(seconds: 30) { access(flooded, F_OK) == 0 }, "steward stopped reading its children's output")

        steward.signal(SIGTERM)
        // stubborn ignores SIGTERM: SIGKILL after its 1 s stopTimeout; then steward exits
        // (giving its stuck stdout at most 2 s to take the last lines).
        let status = await Fault.exitStatus(steward.handle, seconds: 15)
        #expect(status?.exitCode == 143, "\(String(describing: status))")  // not clean: a child had to be SIGKILLed
        #expect(!Fault.exists(flood) && !Fault.exists(stubborn))
    }
}
