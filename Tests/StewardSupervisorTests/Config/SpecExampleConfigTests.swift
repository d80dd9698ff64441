import Foundation
import StewardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import StewardSupervisor

@Suite("The spec's example config file")
struct SpecExampleConfigTests {
    /// The example of specs/supervision.md, with `user: "root"` (www-data may not exist here).
    static let example = """
    {
      shutdownTimeout: "30s",                       // whole unwind budget
      http: { listen: "127.0.0.1:9100" },           // probes, status, metrics; absent = off
      control: { socket: "/run/steward.sock" },     // admin channel for the CLI
      processes: {
        migrate: { priority: 0, command: ["./bin/migrate"], oneshot: true },
        cache: {
          priority: 1,
          command: ["redis-server", "--port", "6380"],
          ready: { tcp: "127.0.0.1:6380", interval: "100ms", timeout: "1s", startPeriod: "30s" },
          restart: { policy: "always", backoff: "100ms", maxBackoff: "30s", maxRestarts: 5, window: "60s" },
        },
        web: {
          priority: 2,
          command: ["./bin/web", "--port", "8080"],
          env: { MODE: "prod" }, envFile: ".env", cwd: ".", user: "root",
          ready: { http: "http://127.0.0.1:8080/health" },
          health: { http: "http://127.0.0.1:8080/health", interval: "10s", failureThreshold: 3 },
          stopSignal: "SIGINT", stopTimeout: "10s", critical: true,
        },
      },
    }
    """

    @Test("loads from a file into the expected values, relative paths resolved against its directory")
    func example() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write(".env", "DATABASE_URL=postgres://localhost/app\n")
        let file = try directory.write("steward.json5", Self.example)

        let config = try SupervisorConfigLoader.load(path: file)

        let health = "http://127.0.0.1:8080/health"
        let expected = SupervisorConfig(
            shutdownTimeout: .seconds(30),
            http: HTTPEndpoint(host: "127.0.0.1", port: 9100),
            control: ControlEndpoint(socketPath: "/run/steward.sock"),
            processes: [
                ProcessConfig(name: "migrate", command: ["./bin/migrate"], priority: 0, oneshot: true),
                ProcessConfig(
                    name: "cache", command: ["redis-server", "--port", "6380"], priority: 1,
                    ready: Probe(check: .tcp(host: "127.0.0.1", port: 6380), interval: .milliseconds(100),
                                 timeout: .seconds(1), startPeriod: .seconds(30)),
                    restart: RestartSettings(policy: RestartPolicy(
                        mode: .always, backoff: .milliseconds(100), maxBackoff: .seconds(30),
                        maxRestarts: 5, window: .seconds(60)))),
                ProcessConfig(
                    name: "web", command: ["./bin/web", "--port", "8080"], priority: 2,
                    environment: ["MODE": "prod"], envFile: directory.path + "/.env",
                    workingDirectory: directory.path, user: "root",
                    ready: .readiness(.http(url: health)),
                    health: Probe(check: .http(url: health), interval: .seconds(10), failureThreshold: 3),
                    stopSignal: SIGINT, stopTimeout: .seconds(10), critical: true),
            ])
        #expect(config == expected)
        #expect(config.process(named: "migrate")?.restart.policy.mode == .never)
        #expect(config.process(named: "web")?.restart.policy.mode == .onFailure)
    }

    @Test("processes are ordered by priority, then name, whatever their order in the file")
    func ordering() throws {
        let config = try parseConfig("""
        { processes: {
            zeta: { command: ["z"] }, alpha: { command: ["a"], priority: 1 },
            beta: { command: ["b"] }, early: { command: ["e"], priority: -1 },
        } }
        """)
        #expect(config.processes.map(\.name) == ["early", "beta", "zeta", "alpha"])
    }

    @Test("an unreadable config file is one issue naming the file")
    func unreadable() {
        #expect(throws: ConfigIssues([ConfigIssue(path: "", message: "cannot read /nonexistent/steward.json5: No such file or directory")])) {
            try SupervisorConfigLoader.load(path: "/nonexistent/steward.json5")
        }
    }
}
