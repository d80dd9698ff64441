import StewardCore
import StewardProcesses
@testable import StewardSupervisor
import StewardTesting
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// For each readiness kind: the next priority group starts only after the probe passed, which the
/// gated process checks for itself (a marker the first process creates just before it is ready).
@Suite("Readiness gating per probe kind", .timeLimit(.minutes(1)))
struct GatingPerProbeKindTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    enum Kind: String, CaseIterable, Sendable { case http, exec, systemd, delay }

    @Test("the next group waits for the probe", arguments: Kind.allCases)
    func gated(kind: Kind) async throws {
        let marker = "/tmp/steward-kind-\(getpid())-\(kind.rawValue)-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(marker) }
        let port = try Listener().port
        let (command, readiness): ([String], ReadinessSpec) = switch kind {
        case .http:
            (["python3", "-c", """
              import http.server, pathlib, time
              time.sleep(0.3)
              pathlib.Path("\(marker)").touch()
              http.server.HTTPServer(("127.0.0.1", \(port)), http.server.SimpleHTTPRequestHandler).serve_forever()
              """], ReadinessSpec(source: .check(.http(host: "127.0.0.1", port: port, path: "/")), interval: .milliseconds(50)))
        case .exec:
            (["sh", "-c", "sleep 0.3; touch \(marker); exec sleep 60"],
             ReadinessSpec(source: .check(.exec(["test", "-e", marker], environment: Self.environment)), interval: .milliseconds(50)))
        case .systemd:
            (["python3", "-c", """
              import os, socket, time, pathlib
              time.sleep(0.3)
              pathlib.Path("\(marker)").touch()
              address = os.environ["NOTIFY_SOCKET"]
              address = "\\0" + address[1:] if address.startswith("@") else address
              socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", address)
              time.sleep(60)
              """], ReadinessSpec(source: .systemd))
        case .delay:
            (["sh", "-c", "touch \(marker); exec sleep 60"], ReadinessSpec(source: .check(.delay(.milliseconds(300)))))
        }
        let first = SupervisedProcess(name: "first", spec: ChildProcessSpec(command: command, environment: Self.environment),
                                      readiness: readiness)
        let second = ChildProcess(ChildProcessSpec(command: ["sh", "-c", "test -e \(marker) || exit 9; exec sleep 60"],
                                                   environment: Self.environment))
        var builder = LifecycleBuilder()
        builder.add(first, name: "first", options: .init(priority: 0, healthKeys: first.healthKey.map { [$0] } ?? [],
                                                         startupTimeout: .seconds(20), shutdownTimeout: .seconds(5)))
        builder.add(second, name: "second", options: .init(priority: 1, shutdownTimeout: .seconds(5)))
        let lifecycle = try builder.build(options: LifecycleOptions(signals: .disabled, shutdownDeadline: .seconds(20),
                                                                    logger: Logger(label: "test", sink: MemoryLogSink(capacity: 100))))
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean, "\(kind): \(report)")  // `second` would have exited 9 if started too early
        #expect(second.starts == 1)
    }
}

@Suite("Log files", .timeLimit(.minutes(1)))
struct LogFileTests {
    @Test("a per-process log file rotates by size and keeps the configured number of old files")
    func rotation() async throws {
        let base = "/tmp/steward-log-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { for suffix in ["", ".1", ".2", ".3"] { unlink(base + suffix) } }
        let file = try RotatingFile(path: base, maxSize: 100, keep: 2)
        for index in 0..<30 { file.append(Array("line \(String(index).padding(toLength: 3, withPad: " ", startingAt: 0)) of the log".utf8)) }
        #expect(access(base, F_OK) == 0 && access(base + ".1", F_OK) == 0 && access(base + ".2", F_OK) == 0)
        #expect(access(base + ".3", F_OK) != 0)  // keep: 2
        var info = stat()
        stat(base, &info)
        #expect(info.st_size <= 100)
        let newest = try String(contentsOfProcFile: base)
        #expect(newest.hasSuffix("line 29  of the log\n"))
    }
}
