import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Fault: signals at the wrong moment", .timeLimit(.minutes(1)))
struct SignalFaultTests {
    /// Fault: a second and a third signal (Ctrl-C twice more, a terminal's SIGHUP) arrive during
    /// the final sweep. Before, the handlers were given back before the sweep: steward died by the
    /// signal, orphaned what was left and left its control socket file behind.
    @Test("signals during the final sweep: SIGKILL to what is left at once, socket removed, exit 3 (forced)")
    func signalsDuringTheSweep() async throws {
        let directory = try TemporaryDirectory("sweep")
        let socket = directory.file("control.sock")
        let config = directory.file("steward.json5")
        // The grandchild ignores SIGTERM and outlives its parent: the sweep must wait for it.
        try Fault.write("""
        { control: { socket: "\(socket)" },
          processes: { parent: { command: ["sh", "-c", "(trap '' TERM; echo $$ > /dev/null; exec sleep 600) & echo $! > \(directory.file("grandchild.pid")); exec sleep 600"] } } }
        """, to: config)
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        let grandchild = try #require(await Fault.pid(in: directory.file("grandchild.pid")))
        #expect(await eventually { access(socket, F_OK) == 0 })
        steward.signal(SIGTERM)
        #expect(steward.waitUntil { $0.contains { $0.contains("final sweep: sending SIGTERM") } }, "\(steward.lines)")
        let hurried = ContinuousClock.now
        steward.signal(SIGINT)
        steward.signal(SIGHUP)
        steward.signal(SIGTERM)
        let status = await steward.waitForExit()
        #expect(status == .exited(3), "\(String(describing: status)): \(steward.lines.suffix(8))")
        #expect(ContinuousClock.now - hurried < .seconds(4), "the sweep waited out its 5 s grace")
        #expect(!Fault.exists(grandchild))
        #expect(access(socket, F_OK) != 0, "the control socket was left behind")
        #expect(steward.lines.contains { $0.contains("while finishing: SIGKILL to every process left") })
    }

    /// Fault: steward is not PID 1 (an entrypoint under another init, `steward run` under
    /// `steward exec`), and gets a signal it gives no meaning to. Before, the default disposition
    /// ended it at once: no ordered stop, no sweep, children orphaned.
    @Test("SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGPROF, SIGVTALRM, SIGTSTP, a real-time signal: steward and its processes go on")
    func meaninglessSignals() async throws {
        let directory = try TemporaryDirectory("meaningless")
        let config = directory.file("steward.json5")
        try Fault.write("""
        { processes: { worker: { command: ["sh", "-c", "echo $$ > \(directory.file("worker.pid")); exec sleep 600"] } } }
        """, to: config)
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        let worker = try #require(await Fault.pid(in: directory.file("worker.pid")))
        for number in [SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGPROF, SIGVTALRM, SIGTSTP, SIGTTIN, SIGTTOU, 40] {
            steward.signal(number)
        }
        #expect(steward.waitUntil { $0.filter { $0.contains(": ignored (steward run gives it no meaning)") }.count >= 8 },
                "\(steward.lines)")
        #expect(steward.handle.exitStatus == nil)
        #expect(Fault.exists(worker))
        var state = ""
        if let text = try? String(contentsOfProcFile: "/proc/\(steward.pid)/stat") {
            state = String(text.split(separator: ")").last?.split(separator: " ").first ?? "")
        }
        #expect(state != "T", "steward was stopped by a job-control signal")
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
        #expect(!Fault.exists(worker))
    }

    /// Fault: a second SIGTERM while a child ignores the first. Before, a forced shutdown whose
    /// components all returned after cancellation was reported clean, exit 0.
    @Test("a forced shutdown (second signal) is never clean: exit 3, and the report says it was forced")
    func forcedShutdown() async throws {
        let directory = try TemporaryDirectory("forced")
        let config = directory.file("steward.json5")
        try Fault.write("""
        { processes: { stubborn: { command: ["sh", "-c", "trap '' TERM; echo $$ > \(directory.file("stubborn.pid")); exec sleep 600"], stopTimeout: "30s" } } }
        """, to: config)
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        let stubborn = try #require(await Fault.pid(in: directory.file("stubborn.pid")))
        steward.signal(SIGTERM)
        #expect(steward.waitUntil { $0.contains { $0.contains("shutting down gracefully") } })
        steward.signal(SIGTERM)
        let status = await steward.waitForExit()
        #expect(status == .exited(3), "\(String(describing: status))")
        #expect(steward.lines.contains { $0.contains("lifecycle was forced") })
        #expect(!Fault.exists(stubborn))
    }

    /// Fault: the same config started twice by mistake. Before, the second steward ran every
    /// process (and every job) again, alongside the first.
    @Test("a second steward on the same config refuses to start, names the first one's pid, exit 75")
    func secondSteward() async throws {
        let directory = try TemporaryDirectory("twice")
        let pids = directory.file("pids")
        let socket = directory.file("control.sock")
        let config = directory.file("steward.json5")
        try Fault.write("""
        { control: { socket: "\(socket)" },
          journal: { path: "\(directory.file("journal.sqlite"))" },
          processes: { worker: { command: ["sh", "-c", "echo $$ >> \(pids); exec sleep 600"] } },
          jobs: { tick: { command: ["true"], every: "1h" } } }
        """, to: config)
        let first = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await eventually { access(socket, F_OK) == 0 && access(pids, F_OK) == 0 })
        let second = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await second.waitForExit(seconds: 10) == .exited(75))
        #expect(second.lines.contains { $0.contains("another steward (pid \(first.pid))") }, "\(second.lines)")
        #expect(((try? String(contentsOfProcFile: pids)) ?? "").split(separator: "\n").count == 1)
        #expect(access(socket, F_OK) == 0, "the second steward removed the first one's socket")
        // Without its control socket, the journal's lock still tells.
        unlink(socket)
        let third = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await third.waitForExit(seconds: 10) == .exited(75))
        #expect(third.lines.contains { $0.contains("is writing the journal") }, "\(third.lines)")
        first.signal(SIGTERM)
        #expect(await first.waitForExit() == .exited(0))
    }
}
