import StewardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import StewardSupervisor

@Suite("Config defaults")
struct ConfigDefaultsTests {
    @Test("an empty file: 30 s shutdown, no HTTP, no control socket, no processes")
    func emptyFile() throws {
        let config = try parseConfig("{}")
        #expect(config.shutdownTimeout == .seconds(30))
        #expect(config.http == nil)
        #expect(config.control == nil)
        #expect(config.processes.isEmpty)
        #expect(config == SupervisorConfig())
    }

    @Test("a process with only a command gets every documented default")
    func processDefaults() throws {
        let process = try #require(try parseConfig(#"{ processes: { app: { command: ["./app"] } } }"#).processes.first)
        #expect(process.name == "app")
        #expect(process.command == ["./app"])
        #expect(process.priority == 0)
        #expect(process.oneshot == false)
        #expect(process.environment.isEmpty)
        #expect(process.envFile == nil)
        #expect(process.workingDirectory == nil)
        #expect(process.user == nil)
        #expect(process.group == nil)
        #expect(process.ready == nil)
        #expect(process.health == nil)
        #expect(process.stopSignal == SIGTERM)
        #expect(process.stopTimeout == .seconds(10))
        #expect(process.critical == true)
        #expect(process.log == LogSettings(prefix: true, file: nil, maxSize: 10 * 1024 * 1024, keep: 3))

        let policy = process.restart.policy
        #expect(policy.mode == .onFailure)
        #expect(policy.backoff == .milliseconds(100))
        #expect(policy.maxBackoff == .seconds(30))
        #expect(policy.jitter == 0.2)
        #expect(policy.resetAfter == .seconds(30))
        #expect(policy.maxRestarts == 5)
        #expect(policy.window == .seconds(60))

        #expect(process == ProcessConfig(name: "app", command: ["./app"]))
    }

    @Test("a oneshot process is never restarted by default; an explicit on-failure is kept")
    func oneshotRestart() throws {
        let config = try parseConfig("""
        { processes: {
            init: { command: ["./init"], oneshot: true },
            retrying: { command: ["./init"], oneshot: true, restart: { policy: "on-failure", maxRestarts: 2 } },
        } }
        """)
        #expect(config.process(named: "init")?.restart == .oneshotDefault)
        #expect(config.process(named: "init")?.restart.policy.mode == .never)
        #expect(config.process(named: "retrying")?.restart.policy.mode == .onFailure)
        #expect(config.process(named: "retrying")?.restart.policy.maxRestarts == 2)
    }

    @Test("a partial restart object keeps the other defaults; resetAfter follows maxBackoff")
    func partialRestart() throws {
        let config = try parseConfig(#"{ processes: { a: { command: ["a"], restart: { maxBackoff: "5s" } } } }"#)
        let policy = try #require(config.processes.first?.restart.policy)
        #expect(policy == RestartPolicy(mode: .onFailure, maxBackoff: .seconds(5)))
        #expect(policy.resetAfter == .seconds(5))
    }

    @Test("readiness probe defaults: 250 ms interval, 1 s timeout, no start period, retry forever, threshold 3")
    func readinessDefaults() throws {
        let config = try parseConfig(#"{ processes: { a: { command: ["a"], ready: { tcp: ":6380" } } } }"#)
        let probe = try #require(config.processes.first?.ready)
        #expect(probe.check == .tcp(host: "127.0.0.1", port: 6380))
        #expect(probe.interval == .milliseconds(250))
        #expect(probe.timeout == .seconds(1))
        #expect(probe.startPeriod == .zero)
        #expect(probe.retries == nil)
        #expect(probe.failureThreshold == 3)
        #expect(probe == .readiness(.tcp(host: "127.0.0.1", port: 6380)))
    }

    @Test("liveness probe defaults: 10 s interval, 1 s timeout, threshold 3")
    func livenessDefaults() throws {
        let config = try parseConfig(#"{ processes: { a: { command: ["a"], health: { exec: ["check"] } } } }"#)
        let probe = try #require(config.processes.first?.health)
        #expect(probe.interval == .seconds(10))
        #expect(probe.timeout == .seconds(1))
        #expect(probe.startPeriod == .zero)
        #expect(probe.failureThreshold == 3)
        #expect(probe == .liveness(.exec(["check"])))
    }

    @Test("every check kind", arguments: [
        (#"{ tcp: "db:5432" }"#, Probe.Check.tcp(host: "db", port: 5432)),
        (#"{ tcp: "[::1]:80" }"#, .tcp(host: "::1", port: 80)),
        (#"{ http: "http://localhost" }"#, .http(url: "http://localhost/")),
        (#"{ http: "http://[::1]:8080/ready?verbose#x" }"#, .http(url: "http://[::1]:8080/ready?verbose")),
        (#"{ exec: ["pg_isready", "-q"] }"#, .exec(["pg_isready", "-q"])),
        (#"{ notify: "systemd" }"#, .notifySystemd),
        (#"{ notify: { fd: 3 } }"#, .notifyFD(3)),
        (#"{ delay: "2s" }"#, .delay(.seconds(2))),
    ])
    func checks(text: String, check: Probe.Check) throws {
        let config = try parseConfig(#"{ processes: { a: { command: ["a"], ready: "# + text + " } } }")
        #expect(config.processes.first?.ready?.check == check)
    }

    @Test("http: listen with only a port binds loopback; IPv6 in brackets; token optional")
    func httpEndpoint() throws {
        #expect(try parseConfig(#"{ http: { listen: ":9100" } }"#).http == HTTPEndpoint(host: "127.0.0.1", port: 9100, token: nil))
        #expect(try parseConfig(#"{ http: { listen: "[::1]:9100" } }"#).http == HTTPEndpoint(host: "::1", port: 9100))
        #expect(try parseConfig(#"{ http: { listen: "0.0.0.0:0", token: "s3cret" } }"#).http
            == HTTPEndpoint(host: "0.0.0.0", port: 0, token: "s3cret"))
    }

    @Test("log sizes: bytes, KB, MB, GB (1024-based), or a plain number")
    func logSizes() throws {
        for (text, bytes) in [(#""512""#, 512), (#""10KB""#, 10_240), (#""10MB""#, 10_485_760), (#""1GB""#, 1 << 30),
                              (#""2 kib""#, 2048), ("4096", 4096)] {
            let config = try parseConfig(#"{ processes: { a: { command: ["a"], log: { maxSize: "# + text + " } } } }")
            #expect(config.processes.first?.log.maxSize == bytes, "\(text)")
        }
    }

    @Test("relative envFile, cwd, log.file and control.socket are resolved against the base directory")
    func relativePaths() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("app.env", "A=1\n")
        let config = try parseConfig("""
        { control: { socket: "run/steward.sock" },
          processes: { a: { command: ["a"], envFile: "./app.env", cwd: ".", log: { file: "logs//a.log", prefix: false, keep: 0 } } } }
        """, baseDirectory: directory.path)
        let process = try #require(config.processes.first)
        #expect(process.envFile == directory.path + "/app.env")
        #expect(process.workingDirectory == directory.path)
        #expect(process.log == LogSettings(prefix: false, file: directory.path + "/logs/a.log", keep: 0))
        #expect(config.control == ControlEndpoint(socketPath: directory.path + "/run/steward.sock"))

        let absolute = try parseConfig(#"{ processes: { a: { command: ["a"], cwd: "/var/lib/a" } } }"#)
        #expect(absolute.processes.first?.workingDirectory == "/var/lib/a")
    }

    @Test("user and group accept names that exist and numeric ids, as strings or numbers")
    func accounts() throws {
        let config = try parseConfig(#"""
        { processes: {
            a: { command: ["a"], user: "root", group: "root" },
            b: { command: ["b"], user: 12345, group: "54321" },
        } }
        """#)
        #expect(config.process(named: "a")?.user == "root")
        #expect(config.process(named: "a")?.group == "root")
        #expect(config.process(named: "b")?.user == "12345")
        #expect(config.process(named: "b")?.group == "54321")
    }

    @Test("stop signals by full name, short name, or number")
    func signals() throws {
        let config = try parseConfig(#"""
        { processes: {
            a: { command: ["a"], stopSignal: "SIGQUIT" }, b: { command: ["b"], stopSignal: "hup" },
            c: { command: ["c"], stopSignal: 10 },
        } }
        """#)
        #expect(config.processes.map(\.stopSignal) == [SIGQUIT, SIGHUP, SIGUSR1])
    }

    @Test("a job with only a command and a schedule gets every documented default")
    func jobDefaults() throws {
        let config = try parseConfig(#"{ jobs: { nightly: { schedule: "0 3 * * *", command: ["./backup"] } } }"#)
        #expect(config.jobs == [JobConfig(name: "nightly", command: ["./backup"], cron: "0 3 * * *")])
        let job = try #require(config.jobs.first)
        #expect(job.enabled && job.overlap == .skip && job.misfire == .fireOnceNow && job.retries == 0)
        #expect(job.misfireThreshold == .seconds(60) && job.stopTimeout == .seconds(10) && job.stopSignal == SIGTERM)
        #expect(job.timeout == nil && job.zone == nil && job.workingDirectory == nil)
    }

    @Test("every job setting is read; the config's zone is the default of a job's; cwd is relative to the file")
    func jobSettings() throws {
        let config = try parseConfig(#"""
        { zone: "Europe/Berlin", jobs: {
            a: { command: ["./a"], every: "15m", at: "2026-12-01T03:00:00Z", timeout: "10m", overlap: "queueOne",
                 misfire: "runAll", misfireCap: 3, misfireThreshold: "5s", retries: 2, retryBackoff: "2s",
                 env: { MODE: "x" }, cwd: "jobs", stopSignal: "INT", stopTimeout: "3s", enabled: false, description: "A" },
            b: { command: ["./b"], schedule: "@daily", zone: "America/New_York" },
        } }
        """#)
        #expect(config.zone == "Europe/Berlin")
        #expect(config.jobs == [
            JobConfig(name: "a", command: ["./a"], description: "A", enabled: false, every: "15m", at: "2026-12-01T03:00:00Z",
                      zone: "Europe/Berlin", timeout: .seconds(600), overlap: .queueOne, misfire: .runAll(cap: 3),
                      misfireThreshold: .seconds(5), retries: 2, retryBackoff: .seconds(2), environment: ["MODE": "x"],
                      workingDirectory: "/srv/app/jobs", stopSignal: SIGINT, stopTimeout: .seconds(3)),
            JobConfig(name: "b", command: ["./b"], cron: "@daily", zone: "America/New_York"),
        ])
    }
}
