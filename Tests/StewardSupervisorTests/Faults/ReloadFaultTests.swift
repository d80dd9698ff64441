import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Fault: reloads that hang, race or storm", .timeLimit(.minutes(1)))
struct ReloadFaultTests {
    /// Replaces `path` at once (rename), as an editor or a config management tool does.
    static func replace(_ path: String, with text: String) throws {
        try Fault.write(text, to: path + ".tmp")
        rename(path + ".tmp", path)
    }

    static func lines(_ path: String) -> [Substring] {
        ((try? String(contentsOfProcFile: path)) ?? "").split(separator: "\n")
    }

    /// Fault: a reload adds a process whose readiness never passes. Before, the reload waited
    /// for it forever and every later SIGHUP queued behind it; a failed addition was remembered
    /// as applied, so no later reload tried it again.
    @Test("a never-ready addition is bounded by startupTimeout and rolled back; the next reload is applied and retries it")
    func neverReadyAddition() async throws {
        let directory = try TemporaryDirectory("reload-never")
        let config = directory.file("steward.json5")
        let socket = directory.file("control.sock")
        let ready = directory.file("ready")
        let base = #"base: { command: ["sleep", "600"] }"#
        let late = #"late: { command: ["sh", "-c", "echo $$ >> \#(directory.file("late.pids")); exec sleep 600"], ready: { exec: ["test", "-e", "\#(ready)"], interval: "50ms" }, startupTimeout: "1s" }"#
        try Self.replace(config, with: "{ control: { socket: \"\(socket)\" }, processes: { \(base) } }")
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await steward.waitUntil { $0.contains { $0.contains("\"group 0 ready\"") || $0.contains("group 0 ready") } })

        try Self.replace(config, with: "{ control: { socket: \"\(socket)\" }, processes: { \(base), \(late) } }")
        steward.signal(SIGHUP)
        #expect(await steward.waitUntil(seconds: 10) { $0.contains { $0.contains("reload: problems: late:") && $0.contains("did not become healthy within 1s") } },
                "\(steward.lines.suffix(10))")
        let status = try await Fault.status(socket: socket)
        #expect(status.contains { $0.hasPrefix("not started by the last reload: late:") && $0.contains("within 1s") }, "\(status)")
        // The next reload of the same file is not "no change": late is not running, so it is
        // added again, and this time it becomes ready.
        try Fault.write("", to: ready)
        steward.signal(SIGHUP)
        #expect(await steward.waitUntil(seconds: 10) { $0.contains { $0.contains("reload: added late") } }, "\(steward.lines.suffix(10))")
        #expect(Self.lines(directory.file("late.pids")).count == 2)
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }

    /// Fault: two reloads at once (SIGHUP and `steward reload`, or two operators). Before, the
    /// second read the state while the first was still applying it: the change was applied twice,
    /// `stop`/`finalize` ran twice on one component, a running process was lost from the directory.
    @Test("concurrent reloads apply each change once: one start of the added process, one stop of the removed one")
    func concurrentReloads() async throws {
        let directory = try TemporaryDirectory("reload-race")
        let config = directory.file("steward.json5")
        let socket = directory.file("control.sock")
        let slowReady = directory.file("slow-ready")
        // `slow` becomes ready 0.5 s after it starts: the first reload is still adding it when
        // the second comes in.
        let slow = #"slow: { command: ["sh", "-c", "echo $$ >> \#(directory.file("slow.pids")); sleep 0.5; touch \#(slowReady); exec sleep 600"], ready: { exec: ["test", "-e", "\#(slowReady)"], interval: "50ms" } }"#
        let gone = #"gone: { command: ["sh", "-c", "trap 'echo stop >> \#(directory.file("gone.stops")); exit 0' TERM; echo > \#(directory.file("gone.up")); while :; do sleep 0.05; done"] }"#
        try Self.replace(config, with: "{ control: { socket: \"\(socket)\" }, processes: { \(gone) } }")
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await eventually { access(directory.file("gone.up"), F_OK) == 0 && access(socket, F_OK) == 0 })

        try Self.replace(config, with: "{ control: { socket: \"\(socket)\" }, processes: { \(slow) } }")
        let first = try ChildProgram([Fault.steward, "reload", "--socket", socket])
        let second = try ChildProgram([Fault.steward, "reload", "--socket", socket])
        steward.signal(SIGHUP)
        #expect(await first.waitForExit() == .exited(0), "\(first.lines)")
        #expect(await second.waitForExit() == .exited(0), "\(second.lines)")
        let outcomes = first.lines + second.lines
        #expect(outcomes.filter { $0.contains("added slow") }.count <= 1, "\(outcomes)")
        // One application of the change. (A reload on SIGHUP is logged, then audited: its audit
        // line, which repeats the outcome, is not a second application.)
        #expect(await steward.waitUntil { $0.filter { $0.contains("added slow; removed gone") && !$0.contains("signal SIGHUP") }.count == 1 },
                "\(steward.lines.suffix(12))")
        #expect(Self.lines(directory.file("slow.pids")).count == 1)
        #expect(Self.lines(directory.file("gone.stops")).count == 1)
        let status = try await Fault.status(socket: socket)
        #expect(status.contains { $0.hasPrefix("slow") && $0.contains("running") }, "\(status)")
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }

    /// Fault: a reload that replaces a process races an operator's restart of it. Whatever the
    /// order, one child of it runs afterwards, with the new settings, and it stays in the directory.
    @Test("a reload racing an operator restart: one child runs afterwards, with the new config, and status lists it")
    func reloadRacesRestart() async throws {
        let directory = try TemporaryDirectory("reload-restart")
        let config = directory.file("steward.json5")
        let socket = directory.file("control.sock")
        func web(_ version: String) -> String {
            #"web: { command: ["sh", "-c", "echo $$ \#(version) >> \#(directory.file("web.pids")); exec sleep 600"], env: { V: "\#(version)" } }"#
        }
        try Self.replace(config, with: "{ control: { socket: \"\(socket)\" }, processes: { \(web("v1")) } }")
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await eventually { Self.lines(directory.file("web.pids")).count == 1 && access(socket, F_OK) == 0 })
        try Self.replace(config, with: "{ control: { socket: \"\(socket)\" }, processes: { \(web("v2")) } }")
        let restart = try ChildProgram([Fault.steward, "restart", "web", "--socket", socket])
        steward.signal(SIGHUP)
        _ = await restart.waitForExit()
        #expect(await steward.waitUntil { $0.contains { $0.contains("reload: restarted web") } }, "\(steward.lines.suffix(10))")
        // Settle: exactly one child alive, and it runs v2.
        var alive: [Substring] = []
        #expect(await eventually {
            alive = Self.lines(directory.file("web.pids")).filter { line in
                Int32(line.split(separator: " ")[0]).map(Fault.exists) ?? false
            }
            return alive.count == 1
        }, "\(Self.lines(directory.file("web.pids")))")
        #expect(alive.first?.hasSuffix(" v2") == true, "\(alive)")
        let status = try await Fault.status(socket: socket)
        #expect(status.contains { $0.hasPrefix("web") && $0.contains("running") }, "\(status)")
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }

    /// Fault: a reload storm (a config tool sending SIGHUP in a loop). 1,000 SIGHUPs in a burst
    /// while the config changes: steward converges to the last config, starting it once.
    @Test("1,000 SIGHUPs in a burst converge to the last config, each process started once")
    func reloadStorm() async throws {
        let directory = try TemporaryDirectory("reload-storm")
        let config = directory.file("steward.json5")
        func process(_ name: String) -> String {
            #"\#(name): { command: ["sh", "-c", "echo $$ >> \#(directory.file(name + ".pids")); exec sleep 600"] }"#
        }
        try Self.replace(config, with: "{ processes: { \(process("v0")) } }")
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await eventually { access(directory.file("v0.pids"), F_OK) == 0 })
        let started = ContinuousClock.now
        for index in 0..<1000 {
            if index % 100 == 0 { try Self.replace(config, with: "{ processes: { \(process("v\(index / 100 + 1)")) } }") }
            steward.signal(SIGHUP)
        }
        try Self.replace(config, with: "{ processes: { \(process("last")) } }")
        steward.signal(SIGHUP)
        #expect(await eventually(seconds: 30) { Self.lines(directory.file("last.pids")).count == 1 })
        #expect(await steward.waitUntil(seconds: 30) { $0.last { $0.contains("reload:") }?.contains("added last") == true || $0.contains { $0.contains("added last") } })
        let converged = ContinuousClock.now - started
        // Nothing but `last` runs, and it started once.
        let reloads = steward.lines.filter { $0.contains("SIGHUP: reloading") }.count
        #expect(reloads < 1000, "SIGHUPs were not coalesced: \(reloads) reloads")
        #expect(Self.lines(directory.file("last.pids")).count == 1)
        for name in ["v0", "v1", "v5", "v10"] {
            for pid in Self.lines(directory.file(name + ".pids")).compactMap({ Int32($0) }) {
                #expect(await eventually { !Fault.exists(pid) }, "\(name) still runs")
            }
        }
        print("reload storm: \(reloads) reloads for 1,001 SIGHUPs, converged in \(converged)")
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }
}
