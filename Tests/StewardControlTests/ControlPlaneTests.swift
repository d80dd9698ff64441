import Foundation
import StewardSupervisor
import TestSupport
import Testing

/// The control plane of the real binary: HTTP probes and the control socket, at every moment of
/// a steward's life.
@Suite("steward's control plane", .timeLimit(.minutes(1)))
struct ControlPlaneTests {
    static let steward = ChildProgram.buildDirectory + "/steward"

    /// A running `steward run` on `processes`, with HTTP on a free port and a private socket.
    final class Running {
        let run: ChildProgram
        let http: LoopbackHTTP
        let socket: String
        let directory: String

        init(_ processes: String, jobs: String = "", token: String? = nil, journal: String? = nil) async throws {
            directory = "/tmp/steward-control-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            mkdir(directory, 0o755)
            socket = directory + "/control.sock"
            let tokenSetting = token.map { ", token: \"\($0)\"" } ?? ""
            let config = "{ http: { listen: \"127.0.0.1:0\"\(tokenSetting) }, control: { socket: \"\(socket)\" }, "
                + "journal: { path: \"\(journal ?? directory + "/journal.sqlite")\" }, processes: { \(processes) }, jobs: { \(jobs) } }"
            try config.write(toFile: directory + "/steward.json5", atomically: true, encoding: .utf8)
            run = try ChildProgram([ControlPlaneTests.steward, "run", directory + "/steward.json5"])
            var port = 0
            _ = await run.waitUntil { lines in
                guard let line = lines.first(where: { $0.contains("HTTP listening") }),
                      let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }) else { return false }
                port = Int(address.split(separator: ":").last ?? "") ?? 0
                return true
            }
            http = LoopbackHTTP(port: port)
        }

        deinit {
            run.signal(SIGKILL)
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Runs `steward ARGS --socket SOCKET`; returns its exit code and output.
        func client(_ arguments: [String], asUser user: String? = nil) async throws -> (code: Int32?, output: [String]) {
            var command = [ControlPlaneTests.steward] + arguments + ["--socket", socket]
            if let user { command = ["setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups"] + command }
            let client = try ChildProgram(command)
            let status = await client.waitForExit()
            return (status?.exitCode, client.lines)
        }

        func status() async throws -> SupervisorStatus {
            let (code, output) = try await client(["status", "--json"])
            try #require(code == 0, "\(output)")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(SupervisorStatus.self, from: Data(output.joined(separator: "\n").utf8))
        }
    }

    @Test("readiness is false while starting, true once every check passes, false from the first moment of shutdown")
    func probesThroughLife() async throws {
        let flag = "/tmp/steward-flag-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let release = flag + "-release"
        defer { unlink(flag); unlink(release) }
        // `lingering` stops only once the test releases it, however slow the machine.
        let steward = try await Running("""
            gate: { command: ["sleep", "60"], ready: { exec: ["test", "-e", "\(flag)"], interval: "20ms" } },
            lingering: { command: ["sh", "-c", "trap 'while [ ! -e \(release) ]; do sleep 0.05; done; exit 0' TERM; while :; do sleep 0.05; done"] }
            """)
        #expect(steward.http.port > 0)
        #expect(await steward.http.get("/livez")?.status == 200)
        let starting = try #require(await steward.http.get("/readyz?verbose"))
        #expect(starting.status == 500)
        #expect(starting.body.contains("[-]gate failed: not yet reported"), "\(starting.body)")
        #expect(starting.body.hasSuffix("readyz check failed\n"))
        #expect(await steward.http.get("/readyz/gate")?.status == 500)
        #expect(await steward.http.get("/readyz/nope")?.status == 404)

        FileManager.default.createFile(atPath: flag, contents: nil)
        #expect(await eventually { await steward.http.get("/readyz")?.body == "ok" })
        let verbose = try #require(await steward.http.get("/readyz?verbose"))
        #expect(verbose.status == 200)
        #expect(verbose.body == "[+]gate ok\n[+]lifecycle ok\nreadyz check passed\n")
        #expect(await steward.http.get("/readyz/gate")?.body == "ok")

        let lingering = try #require(try await steward.status().processes.first { $0.name == "lingering" }?.pid)
        steward.run.signal(SIGTERM)
        #expect(await eventually { await steward.http.get("/readyz")?.status == 500 })
        // `lingering` has not stopped yet; readiness already failed while it still runs.
        #expect(kill(lingering, 0) == 0)
        let stopping = try #require(await steward.http.get("/readyz?verbose"))
        #expect(stopping.body.contains("[-]lifecycle failed: shutting down"), "\(stopping.body)")
        #expect(await steward.http.get("/livez")?.status == 200)
        FileManager.default.createFile(atPath: release, contents: nil)
        #expect(await steward.run.waitForExit()?.exitCode == 0)
    }

    @Test("a failing liveness check restarts the process: /status, /metrics and /events tell")
    func livenessRestartVisibleEverywhere() async throws {
        let steward = try await Running("""
            fragile: { command: ["sleep", "60"], health: { exec: ["false"], interval: "50ms", failureThreshold: 2 },
                       restart: { policy: "always", backoff: "50ms", maxBackoff: "100ms", maxRestarts: 100 } }
            """)
        let events = await steward.http.streamLines("/events") { lines in lines.contains { $0.contains("\"outcome\":\"restarting\"") } }
        let restarting = try #require(events.first { $0.contains("\"outcome\":\"restarting\"") }, "\(events)")
        #expect(events.contains("event: component"))
        #expect(restarting.hasPrefix("data: {"))
        #expect(restarting.contains("\"component\":\"fragile\""))
        #expect(restarting.contains("liveness check failed 2 time(s)"))

        let status = try await steward.status()
        let fragile = try #require(status.processes.first)
        #expect(fragile.restarts >= 1)
        #expect(fragile.probeFailures >= 2)

        let metrics = try #require(await steward.http.get("/metrics"))
        #expect(metrics.status == 200)
        #expect(metrics.head.contains("text/plain; version=0.0.4"))
        let parsed = try ParsedMetrics(metrics.body)
        #expect(parsed.types["steward_process_restarts_total"] == "counter")
        #expect((parsed.value("steward_process_restarts_total", ["process": "fragile"]) ?? 0) >= 1)
        #expect((parsed.value("steward_process_probe_failures_total", ["process": "fragile"]) ?? 0) >= 2)
        #expect(parsed.value("steward_process_starts_total", ["process": "fragile"]) != nil)
        #expect((parsed.value("process_resident_memory_bytes") ?? 0) > 1_000_000)
        #expect((parsed.value("process_open_fds") ?? 0) > 3)
        let states = parsed.samples.filter { $0.name == "steward_process_state" && $0.labels["process"] == "fragile" }
        #expect(states.count == 9)
        #expect(states.filter { $0.value == 1 }.count == 1)
    }

    @Test("the control commands act on a running steward and say what they did")
    func controlCommands() async throws {
        let steward = try await Running("""
            echoer: { command: ["sh", "-c", "trap 'echo got-usr1' USR1; echo hello; while :; do sleep 0.05; done"] },
            other: { command: ["sleep", "60"] }
            """)
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        let (waited, _) = try await steward.client(["wait", "--timeout", "5s"])
        #expect(waited == 0)

        let table = try await steward.client(["status"])
        #expect(table.code == 0)
        #expect(table.output.first?.hasPrefix("steward pid") == true)
        #expect(table.output.contains { $0.hasPrefix("echoer") && $0.contains("running") })

        let logs = try await steward.client(["logs", "echoer", "-n", "5"])
        #expect(logs.output == ["hello"])
        let signal = try await steward.client(["signal", "echoer", "USR1"])
        #expect(signal.code == 0 && signal.output == ["sent SIGUSR1 to echoer"])
        #expect(await steward.run.waitForLine("echoer | got-usr1"))

        let stop = try await steward.client(["stop", "other"])
        #expect(stop.output == ["other stopped"])
        #expect(try await steward.status().processes.first { $0.name == "other" }?.state == .stopped)
        let again = try await steward.client(["stop", "other"])
        #expect(again.code == 1)
        #expect(try await steward.client(["health"]).code == 0, "an operator's stop of a process without readiness keeps steward ready")
        #expect(try await steward.client(["start", "other"]).output == ["other starting"])
        #expect(await eventually { ((try? await steward.status())?.processes.first { $0.name == "other" }?.state) == .running })
        let first = try #require(try await steward.status().processes.first { $0.name == "echoer" }?.pid)
        #expect(try await steward.client(["restart", "echoer"]).code == 0)
        #expect(await eventually { ((try? await steward.status())?.processes.first { $0.name == "echoer" }?.pid).map { $0 != first } ?? false })

        let unknown = try await steward.client(["stop", "ghost"])
        #expect(unknown.code == 1)
        #expect(unknown.output.contains { $0.contains("no process named \"ghost\" (processes: echoer, other)") })

        let reload = try await steward.client(["reload"])
        #expect(reload.code == 0 && reload.output == ["reload: no change"])

        let shutdown = try await steward.client(["shutdown"])
        #expect(shutdown.output == ["shutting down"])
        #expect(await steward.run.waitForExit()?.exitCode == 0)
        let gone = try await steward.client(["status"])
        #expect(gone.code == 1)
        #expect(gone.output.contains { $0.contains("no steward is listening at \(steward.socket)") })
    }

    @Test("logs -f prints the recent lines, then new ones as they come")
    func followLogs() async throws {
        let steward = try await Running("""
            ticker: { command: ["sh", "-c", "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done"] }
            """)
        #expect(await steward.run.waitForLine("ticker | tick 3"))
        let follower = try ChildProgram([Self.steward, "logs", "ticker", "-f", "-n", "2", "--socket", steward.socket])
        #expect(await follower.waitUntil { $0.count >= 6 })
        let numbers = follower.lines.prefix(6).compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(numbers.count == 6)
        #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }, "no line lost or repeated: \(numbers)")
        follower.signal(SIGTERM)
    }

    @Test("the control socket is 0600 and refuses another uid; over TCP, actions need the token")
    func permissions() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", token: "s3cret")
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        var info = stat()
        #expect(stat(steward.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)

        // The file mode keeps `nobody` out; open it up to reach the SO_PEERCRED check itself.
        let denied = try await steward.client(["status"], asUser: "65534")
        #expect(denied.code == 1)
        #expect(denied.output.contains { $0.contains("permission denied on \(steward.socket)") })
        chmod(steward.socket, 0o666)
        chmod(steward.directory, 0o755)
        let refused = try await steward.client(["status"], asUser: "65534")
        #expect(refused.code == 1)
        #expect(refused.output.contains { $0.contains("permission denied: this socket admits its owner and root only") }, "\(refused.output)")

        #expect(await steward.http.request("POST", "/shutdown")?.status == 401)
        #expect(await steward.http.request("POST", "/shutdown", headers: ["Authorization: Bearer wrong"])?.status == 401)
        #expect(await steward.http.request("GET", "/status")?.status == 200)
        #expect(await steward.http.request("POST", "/shutdown", headers: ["Authorization: Bearer s3cret"])?.status == 202)
        #expect(await steward.run.waitForExit()?.exitCode == 0)
    }

    @Test("without a token, every action over TCP answers 403 saying how to enable it")
    func readOnlyTCP() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }")
        #expect(await eventually { await steward.http.get("/readyz")?.status == 200 })
        #expect(await eventually { await steward.http.get("/readyz/idle")?.body == "ok" }, "a process without a readiness check: ready while it runs")
        #expect(await steward.http.request("POST", "/shutdown")?.status == 403)
        #expect(await steward.http.request("POST", "/processes/idle/stop")?.status == 403)
        #expect(await steward.http.request("GET", "/processes/idle/logs")?.status == 403)
        #expect(await steward.http.request("GET", "/status")?.status == 200)
    }

    @Test("start and restart bring back a process that is backing off or failed for good; stop refuses one that is not running")
    func operatorActionsOnEndedProcesses() async throws {
        let flag = "/tmp/steward-revive-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(flag) }
        let steward = try await Running("""
            waiting: { command: ["sh", "-c", "test -e \(flag) || exit 1; exec sleep 60"],
                       restart: { policy: "on-failure", backoff: "30s", maxBackoff: "30s" }, critical: false },
            dead: { command: ["sh", "-c", "test -e \(flag) || exit 1; exec sleep 60"], restart: { policy: "never" }, critical: false },
            idle: { command: ["sleep", "60"] }
            """)
        func state(_ name: String) async -> ProcessStatus.State? {
            (try? await steward.status())?.processes.first { $0.name == name }?.state
        }
        #expect(await eventually {
            let (waiting, dead) = (await state("waiting"), await state("dead"))
            return waiting == .backoff && dead == .failed
        })
        let refused = try await steward.client(["stop", "dead"])
        #expect(refused.code == 1)
        #expect(refused.output.contains { $0.contains("dead is not running (failed)") }, "\(refused.output)")

        FileManager.default.createFile(atPath: flag, contents: nil)
        #expect(try await steward.client(["restart", "waiting"]).output == ["waiting restarted"])
        #expect(try await steward.client(["start", "dead"]).output == ["dead starting"])
        #expect(await eventually {
            let (waiting, dead) = (await state("waiting"), await state("dead"))
            return waiting == .running && dead == .running
        })
        let again = try await steward.client(["start", "dead"])
        #expect(again.code == 1 && again.output.contains { $0.contains("dead is not stopped") })
        steward.run.signal(SIGTERM)
        #expect(await steward.run.waitForExit()?.exitCode == 0, "a non-critical failure before a clean SIGTERM shutdown keeps exit 0")
    }

    @Test("names and values with spaces or + reach steward intact")
    func argumentsAreEncoded() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }")
        #expect(await eventually { (try? await steward.client(["health"]).code) == 0 })
        let spaced = try await steward.client(["logs", "a b"])
        #expect(spaced.code == 1)
        #expect(spaced.output.contains { $0.contains("no process named \"a b\"") }, "\(spaced.output)")
        let plus = try await steward.client(["trigger", "a+b c"])
        #expect(plus.code == 1)
        #expect(plus.output.contains { $0.contains("no job named \"a+b c\"") }, "\(plus.output)")
    }

    @Test("logs -f ends when a reload replaces the process it follows")
    func followEndsOnReplacement() async throws {
        let steward = try await Running("""
            ticker: { command: ["sh", "-c", "while :; do echo v1; sleep 0.05; done"] }
            """)
        #expect(await steward.run.waitForLine("ticker | v1"))
        let follower = try ChildProgram([Self.steward, "logs", "ticker", "-f", "-n", "1", "--socket", steward.socket])
        #expect(await follower.waitUntil { $0.contains("v1") })
        let path = steward.directory + "/steward.json5"
        let config = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "echo v1", with: "echo v2")
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await steward.client(["reload"]).output == ["reload: restarted ticker"])
        #expect(await follower.waitForExit()?.exitCode == 0, "the follower is told the process it followed is gone")
        #expect(!follower.lines.contains("v2"))
    }
}
