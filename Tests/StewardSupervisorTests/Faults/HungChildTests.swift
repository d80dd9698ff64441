import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Fault: a hung child that ignores its stop signal", .timeLimit(.minutes(1)))
struct HungChildTests {
    /// Fault: liveness gives up on a child that ignores SIGTERM. Before the one termination path,
    /// only the stop signal was sent and probing ended: the child stayed hung for good.
    @Test("liveness gives up on a child ignoring SIGTERM: SIGKILL after stopTimeout, then it is restarted")
    func livenessKillsAHungChild() async throws {
        let directory = try TemporaryDirectory("hung")
        let pids = directory.file("pids")
        let config = directory.file("steward.json5")
        // The first child is "hung" (its liveness check fails); the second passes it.
        try Fault.write("""
        { processes: { hung: {
            command: ["sh", "-c", "trap '' TERM; echo $$ >> \(pids); exec sleep 600"],
            health: { exec: ["sh", "-c", "test $(wc -l < \(pids)) -ge 2"], interval: "100ms", failureThreshold: 2 },
            stopTimeout: "500ms",
            restart: { policy: "always", backoff: "10ms" },
        } } }
        """, to: config)
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(steward.waitUntil(seconds: 20) { lines in lines.contains { $0.contains("liveness") && $0.contains("stopping the process") } })
        let gaveUp = ContinuousClock.now
        #expect(steward.waitUntil(seconds: 20) { lines in lines.contains { $0.contains("killed by SIGKILL") } },
                "the hung child was never killed:\n\(steward.lines.joined(separator: "\n"))")
        let killedAfter = ContinuousClock.now - gaveUp
        #expect(killedAfter >= .milliseconds(400), "SIGKILL came before stopTimeout: \(killedAfter)")
        #expect(await eventually { ((try? String(contentsOfProcFile: pids)) ?? "").split(separator: "\n").count == 2 })
        let started = ((try? String(contentsOfProcFile: pids)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        #expect(started.count == 2)
        if started.count == 2 {
            #expect(!Fault.exists(started[0]))
            #expect(Fault.exists(started[1]))
        }
        steward.signal(SIGTERM)
        _ = await steward.waitForExit()
    }
}
