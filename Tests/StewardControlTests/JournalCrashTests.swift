import Foundation
import StewardControl
import StewardCore
import Testing
import TestSupport

/// The journal when things go wrong for steward itself: a SIGKILL, a file it cannot write.
@Suite("steward's run journal across crashes and read-only files", .timeLimit(.minutes(2)))
struct JournalCrashTests {
    /// `steward run CONFIG` (as the numeric `user`, through setpriv, when given), answering on `socket`.
    final class Instance {
        let program: ChildProgram
        let socket: String
        let user: String?

        init(config: String, socket: String, user: String? = nil) throws {
            self.socket = socket
            self.user = user
            program = try ChildProgram(Self.prefix(user) + [ControlPlaneTests.steward, "run", config])
        }

        static func prefix(_ user: String?) -> [String] {
            user.map { ["setpriv", "--reuid=\($0)", "--regid=\($0)", "--clear-groups"] } ?? []
        }

        /// `steward ARGS --socket SOCKET`, as the same user.
        func client(_ arguments: [String]) async throws -> (code: Int32?, output: [String]) {
            let child = try ChildProgram(Self.prefix(user) + [ControlPlaneTests.steward] + arguments + ["--socket", socket])
            let status = await child.waitForExit()
            return (status?.exitCode, child.lines)
        }

        func waitUntilHealthy() async -> Bool {
            await eventually { (try? await client(["health"]).code) == 0 }
        }

        deinit { program.signal(SIGKILL) }
    }

    static func runs(_ journal: String, _ arguments: [String] = []) async throws -> [RunBody] {
        let (code, output) = try await JournalControlTests.steward(["runs", "--journal", journal, "--json", "--limit", "1000"] + arguments)
        try #require(code == 0, "\(output)")
        return try JournalControlTests.decodeRuns(output.filter { !$0.hasPrefix("note: ") })
    }

    static func killPid(in file: String) {
        if let text = try? String(contentsOfFile: file, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
    }

    @Test("SIGKILL mid-run, then a restart: the run is crashed (supervisor restart), schedules go on, no fire is repeated")
    func sigkillMidRun() async throws {
        let directory = try TemporaryDirectory("sigkill")
        let journal = directory.file("journal.sqlite")
        let socket = directory.file("control.sock")
        let config = directory.file("steward.json5")
        defer {
            Self.killPid(in: directory.file("long.pid"))
            Self.killPid(in: directory.file("idle.pid"))
        }
        try """
            { control: { socket: "\(socket)" }, journal: { path: "\(journal)" },
              processes: { idle: { command: ["sh", "-c", "echo $$ > \(directory.path)/idle.pid; exec sleep 60"] } },
              jobs: {
                long: { command: ["sh", "-c", "echo $$ > \(directory.path)/long.pid; echo working; exec sleep 30"] },
                tick: { command: ["true"], schedule: "* * * * * *", zone: "UTC" } } }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let first = try Instance(config: config, socket: socket)
        #expect(await first.waitUntilHealthy())
        #expect(try await first.client(["trigger", "long"]).code == 0)
        #expect(await eventually { (try? await Self.runs(journal, ["--job", "long"]).first?.state) == "running" })
        #expect(await eventually { ((try? await Self.runs(journal, ["--job", "tick", "--state", "succeeded"])) ?? []).count >= 2 })

        first.program.signal(SIGKILL)
        _ = await first.program.waitForExit()
        Self.killPid(in: directory.file("long.pid"))
        Self.killPid(in: directory.file("idle.pid"))
        // What the killed steward left: nobody is left to say otherwise yet, and the CLI says so.
        #expect(try await Self.runs(journal, ["--job", "long"]).first?.state == "running")
        let listed = try await JournalControlTests.steward(["runs", "--journal", journal, "--job", "long"])
        #expect(listed.output.contains { $0.hasPrefix("note: no steward is writing") }, "\(listed.output)")
        let killedAt = Date()

        let second = try Instance(config: config, socket: socket)
        #expect(await second.waitUntilHealthy())
        let crashed = try #require(try await Self.runs(journal, ["--job", "long"]).first)
        #expect(crashed.state == "crashed")
        #expect(crashed.error == "supervisor restart")
        #expect(crashed.finishedAt != nil)
        #expect(await eventually {
            ((try? await Self.runs(journal, ["--job", "tick"])) ?? []).contains { ($0.scheduledFor ?? .distantPast) > killedAt }
        })
        let ticks = try await Self.runs(journal, ["--job", "tick"])
        let fires = ticks.compactMap(\.scheduledFor)
        #expect(Set(fires).count == fires.count, "a schedule fire was repeated: \(fires.sorted())")
        #expect(try await Self.runs(journal, ["--state", "running"]).filter { $0.jobId == "long" }.isEmpty)
        second.program.signal(SIGTERM)
        #expect(await second.program.waitForExit()?.exitCode == 0)
    }

    @Test("a read-only journal degrades, visibly and without harm; jobs run, and their runs are written once it is writable")
    func readOnlyJournal() async throws {
        let directory = try TemporaryDirectory("readonly")
        let journal = directory.file("journal.sqlite")
        let socket = directory.file("control.sock")
        let config = directory.file("steward.json5")
        try """
            { control: { socket: "\(socket)" }, journal: { path: "\(journal)" },
              processes: { idle: { command: ["sleep", "60"] } },
              jobs: { hello: { command: ["echo", "hello"] } } }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: journal, contents: nil)
        // Root writes any file; run steward as nobody so the file's mode binds it.
        let user: String? = getuid() == 0 ? "65534" : nil  // nobody (its group's name differs between systems)
        if user != nil {
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
            #expect(chown(journal, 65534, 65534) == 0)
        }
        #expect(chmod(journal, 0o444) == 0)
        let steward = try Instance(config: config, socket: socket, user: user)
        #expect(await steward.waitUntilHealthy(), "a read-only journal must not make steward unready")
        let health = try await steward.client(["health"])
        #expect(health.output.contains { $0.hasPrefix("[-]journal failed: read-only") && $0.hasSuffix("(non-critical)") }, "\(health.output)")
        let trigger = try await steward.client(["trigger", "hello"])
        #expect(trigger.code == 0, "\(trigger.output)")
        #expect(await eventually { (try? await steward.client(["jobs", "--json"]).output.joined().contains("\"succeeded\"")) == true })

        #expect(chmod(journal, 0o644) == 0)
        #expect(await eventually { (try? await steward.client(["health"]).output.contains("[+]journal ok")) == true })
        let runs = try await Self.runs(journal, ["--job", "hello"])
        #expect(runs.map(\.state) == ["succeeded"])
        steward.program.signal(SIGTERM)
        #expect(await steward.program.waitForExit()?.exitCode == 0)
    }
}
