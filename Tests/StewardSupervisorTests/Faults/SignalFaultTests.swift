import StewardCore
@testable import StewardCLI
import StewardSupervisor
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
        #expect(await steward.waitUntil { $0.contains { $0.contains("final sweep: sending SIGTERM") } }, "\(steward.lines)")
        steward.signal(SIGINT)
        steward.signal(SIGHUP)
        steward.signal(SIGTERM)
        let status = await steward.waitForExit()
        #expect(status == .exited(3), "\(String(describing: status)): \(steward.lines.suffix(8))")
        // Hurried: SIGKILL without waiting out the 5 s grace (the line says "after 5s" otherwise).
        #expect(steward.lines.contains { $0.contains("final sweep: SIGKILL to 1 process(es) still running") && !$0.contains("after") },
                "\(steward.lines.suffix(8))")
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
        #expect(await steward.waitUntil { $0.filter { $0.contains(": ignored (steward run gives it no meaning)") }.count >= 8 },
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
        #expect(await steward.waitUntil { $0.contains { $0.contains("shutting down gracefully") } })
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
        // With a control socket of its own, the journal's lock still tells.
        let other = directory.file("other.json5")
        try Fault.write("""
        { control: { socket: "\(directory.file("other.sock"))" },
          journal: { path: "\(directory.file("journal.sqlite"))" },
          processes: { worker: { command: ["sh", "-c", "echo $$ >> \(pids); exec sleep 600"] } },
          jobs: { tick: { command: ["true"], every: "1h" } } }
        """, to: other)
        let third = try ChildProgram([Fault.steward, "run", other], environment: ChildProgram.isolatedEnvironment())
        #expect(await third.waitForExit(seconds: 10) == .exited(75))
        #expect(third.lines.contains { $0.contains("is writing the journal") }, "\(third.lines)")
        first.signal(SIGTERM)
        #expect(await first.waitForExit() == .exited(0))
    }
}

@Suite("Fault: a shutdown signal before anything runs")
struct EarlySignalTests {
    /// Fault: `docker stop` (or Ctrl-C) while steward reads its config, opens its journal or
    /// binds its sockets. Before, the signal was caught — so it no longer killed steward — but
    /// nobody acted on it: every process then started and steward ran on.
    @Test("a SIGTERM before the lifecycle runs is kept and handed over: nothing starts, the run ends clean")
    func keptUntilTheLifecycleRuns() async throws {
        let directory = try TemporaryDirectory("early-signal")
        let marker = directory.file("started")
        let logs = MemoryLogSink(capacity: 100)
        let signals = try RunSignals(logger: Logger(label: "steward", sink: logs), listen: false)
        signals.receive(SIGTERM)  // as the signal listener would, while the supervisor is being built
        let config = SupervisorConfig(processes: [ProcessConfig(name: "web", command: ["sh", "-c", "touch \(marker); exec sleep 600"])])
        let supervisor = try Supervisor(config: config, path: directory.file("steward.json5"), environment: ChildProgram.currentEnvironment,
                                        logger: Logger(label: "steward", sink: logs), signals: .disabled)
        signals.attach(supervisor.lifecycle)
        #expect(supervisor.lifecycle.isShuttingDown)
        let report = await supervisor.lifecycle.run()
        #expect(report.isClean, "\(report)")
        #expect(report.cause == .signal(SIGTERM))
        #expect(access(marker, F_OK) != 0, "a process started after the SIGTERM")
        #expect(logs.records.contains { $0.message.contains("received SIGTERM while starting: nothing will be started") })
    }
}
