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
        let steward = try ChildProgram([Fault.steward, "run", config],
                                       environment: ChildProgram.isolatedEnvironment(["STEWARD_LOG_FORMAT": "logfmt"]))
        #expect(await steward.waitUntil(seconds: 20) { lines in lines.contains { $0.contains("killed by SIGKILL") } },
                "the hung child was never killed:\n\(steward.lines.joined(separator: "\n"))")
        // By steward's own clock: the stop signal when liveness gave up, SIGKILL after stopTimeout.
        let gaveUp = steward.lines.first { $0.contains("liveness") && $0.contains("stopping the process") }.flatMap(Self.time)
        let killed = steward.lines.first { $0.contains("killed by SIGKILL") }.flatMap(Self.time)
        if let gaveUp, let killed {
            #expect(killed - gaveUp >= 0.5, "SIGKILL came \(killed - gaveUp) s after the stop signal, before stopTimeout")
        } else {
            Issue.record("no give-up or kill line: \(steward.lines)")
        }
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

    /// A logfmt line's `time=` as seconds since the epoch (`time=2026-12-04T19:55:41.771Z`).
    static func time(_ line: String) -> Double? {
        guard let range = line.range(of: "time=") else { return nil }
        let stamp = line[range.upperBound...].prefix { $0 != " " }
        let parts = stamp.split(whereSeparator: { "T:Z".contains($0) })
        guard parts.count >= 4, let day = parts[0].split(separator: "-").last.flatMap({ Double($0) }),
              let hours = Double(parts[1]), let minutes = Double(parts[2]), let seconds = Double(parts[3]) else { return nil }
        return day * 86400 + hours * 3600 + minutes * 60 + seconds
    }
}

@Suite("Fault: the operator's client goes away during a stop", .timeLimit(.minutes(1)))
struct OperatorDisconnectTests {
    /// Fault: `steward stop db`, then Ctrl-C on the client a moment later. Before, the HTTP
    /// handler's cancellation reached the termination, which cut the grace period short: the
    /// database got SIGKILL instead of the `stopTimeout` to finish cleanly.
    @Test("a stop whose client disconnects still gives the child its stopTimeout: it exits 0 on its own")
    func clientDisconnects() async throws {
        let directory = try TemporaryDirectory("disconnect")
        let socket = directory.file("control.sock")
        let config = directory.file("steward.json5")
        let gotTerm = directory.file("got-term")
        try Fault.write("""
        { control: { socket: "\(socket)" },
          processes: { db: {
            command: ["sh", "-c", "trap 'touch \(gotTerm); sleep 1; exit 0' TERM; echo > \(directory.file("up")); while :; do sleep 0.05; done"],
            stopTimeout: "10s",
          } } }
        """, to: config)
        let steward = try ChildProgram([Fault.steward, "run", config],
                                       environment: ChildProgram.isolatedEnvironment(["STEWARD_LOG_FORMAT": "logfmt"]))
        #expect(await eventually { access(directory.file("up"), F_OK) == 0 && access(socket, F_OK) == 0 })
        let client = try ChildProgram([Fault.steward, "stop", "db", "--socket", socket])
        #expect(await eventually { access(gotTerm, F_OK) == 0 })
        client.signal(SIGKILL)  // the operator's Ctrl-C: the connection closes mid-request
        _ = await client.waitForExit()
        #expect(await steward.waitUntil { $0.contains { $0.contains("msg=\"exited\"") && $0.contains("process=db") } }, "\(steward.lines)")
        let exit = steward.lines.first { $0.contains("msg=\"exited\"") && $0.contains("process=db") } ?? ""
        #expect(exit.contains("status=\"exited 0\""), "\(exit)")
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }
}
