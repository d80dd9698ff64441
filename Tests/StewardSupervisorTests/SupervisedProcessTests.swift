import CStewardSystem
import StewardCore
import StewardProcesses
import StewardSupervisor
import StewardTesting
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Supervised processes", .timeLimit(.minutes(1)))
struct SupervisedProcessTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    static func options() -> LifecycleOptions {
        LifecycleOptions(signals: .disabled, shutdownDeadline: .seconds(20), cancellationGrace: .seconds(5),
                         logger: Logger(label: "test", sink: MemoryLogSink(capacity: 500)), random: { 0 })
    }

    static func register(_ process: SupervisedProcess, priority: Int, in builder: inout LifecycleBuilder,
                         restart: RestartPolicy = .never, startupTimeout: Duration? = .seconds(20)) {
        builder.add(process, name: process.name, options: .init(priority: priority, healthKeys: process.healthKey.map { [$0] } ?? [],
                                                                startupTimeout: startupTimeout, shutdownTimeout: .seconds(5),
                                                                restart: restart))
    }

    @Test("the next priority group starts only once the group is ready (tcp and s6 notification)")
    func gatedOnReadiness() async throws {
        let port = try Listener().port
        let marker = "/tmp/steward-gate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(marker) }
        // Listens only after a delay: a probe-less start of `web` would find nothing there.
        let cache = SupervisedProcess(
            name: "cache",
            spec: ChildProcessSpec(command: ["python3", "-c", """
                import socket, time
                time.sleep(0.3)
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", \(port))); s.listen(8)
                while True: s.accept()[0].close()
                """], environment: Self.environment),
            readiness: ReadinessSpec(source: .check(.tcp(host: "127.0.0.1", port: port)), interval: .milliseconds(50)))
        let notifier = SupervisedProcess(
            name: "notifier",
            spec: ChildProcessSpec(command: ["sh", "-c", "sleep 0.2; touch \(marker); echo >&3; exec sleep 60"], environment: Self.environment),
            readiness: ReadinessSpec(source: .descriptor(3)))
        let web = SupervisedProcess(
            name: "web",
            spec: ChildProcessSpec(command: ["python3", "-c", """
                import socket, os, sys, time
                socket.create_connection(("127.0.0.1", \(port)), timeout=1).close()
                if not os.path.exists("\(marker)"): sys.exit(9)
                time.sleep(60)
                """], environment: Self.environment))
        var builder = LifecycleBuilder()
        Self.register(cache, priority: 0, in: &builder)
        Self.register(notifier, priority: 0, in: &builder)
        Self.register(web, priority: 1, in: &builder)
        let lifecycle = try builder.build(options: Self.options())
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        #expect(recorder.trace.mismatch([.unordered("cache ready succeeded", "notifier ready succeeded"), .ordered("group 0 ready", "web init started")]) == nil)
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean, "\(report)")
        #expect(web.starts == 1)
    }

    @Test("failing liveness stops the process and its restart policy brings it back")
    func livenessRestart() async throws {
        let flag = "/tmp/steward-alive-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(flag) }
        // First start: creates no flag, so liveness fails. Later starts create it.
        let counter = flag + ".starts"
        defer { unlink(counter) }
        let script = "echo x >> \(counter); [ $(wc -l < \(counter)) -gt 1 ] && touch \(flag); exec sleep 60"
        let worker = SupervisedProcess(
            name: "worker",
            spec: ChildProcessSpec(command: ["sh", "-c", script], environment: Self.environment),
            liveness: LivenessSpec(check: .exec(["test", "-e", flag], environment: Self.environment),
                                   interval: .milliseconds(50), failureThreshold: 2))
        var builder = LifecycleBuilder()
        Self.register(worker, priority: 0, in: &builder,
                      restart: RestartPolicy(mode: .onFailure, backoff: .milliseconds(10), jitter: 0, maxRestarts: 3))
        let lifecycle = try builder.build(options: Self.options())
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("worker run restarting")
        await recorder.trace.waitFor("worker run started", count: 2)
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean, "\(report)")
        #expect(worker.starts == 2)
    }

    @Test("a child's last lines are read when it exits, even while the watcher thread is busy elsewhere")
    func lastLinesReadAtExit() async throws {
        // Hold the shared watcher thread in a callback (for as long as the test needs, a few
        // microseconds), so that only the exit path's catch-up can read the pipe.
        var trigger: [Int32] = [0, 0], release: [Int32] = [0, 0], entered: [Int32] = [0, 0]
        #expect(steward_pipe_cloexec(&trigger) == 0 && steward_pipe_cloexec(&release) == 0 && steward_pipe_cloexec(&entered) == 0)
        defer { for fd in trigger + release + entered { close(fd) } }
        let (releaseEnd, enteredEnd) = (release[0], entered[1])
        let hold = try DescriptorWatcher.shared.add(trigger[0], for: .readable, mode: .once) { _ in
            var byte: UInt8 = 1
            _ = write(enteredEnd, &byte, 1)
            _ = read(releaseEnd, &byte, 1)  // blocks the watcher thread until the test lets go
        }
        var byte: UInt8 = 1
        defer { DescriptorWatcher.shared.remove(hold) }
        let pump = try OutputPump(name: "last", destination: -1)
        _ = write(trigger[1], &byte, 1)
        let deadline = ChildProgram.monotonicMilliseconds() + 10_000
        var held = pollfd(fd: entered[0], events: Int16(POLLIN), revents: 0)
        while poll(&held, 1, 0) == 0, ChildProgram.monotonicMilliseconds() < deadline { try await Task.sleep(for: .milliseconds(1)) }
        let line = Array("last words\n".utf8)
        _ = line.withUnsafeBytes { write(pump.childDescriptor, $0.baseAddress, $0.count) }  // what the child wrote before exiting
        pump.catchUp()
        let lines = pump.recentLines()
        _ = write(release[1], &byte, 1)
        #expect(held.revents != 0, "the watcher thread was never held")
        #expect(lines == ["last words"])
    }

    @Test("output lines are prefixed with the process name, kept in a ring buffer, and survive restarts")
    func prefixedOutput() async throws {
        var fds: [Int32] = [0, 0]
        #expect(steward_pipe_cloexec(&fds) == 0)
        defer { close(fds[0]) }
        let pump = try OutputPump(name: "echoer", destination: fds[1], ringCapacity: 3)
        let echoer = SupervisedProcess(
            name: "echoer",
            spec: ChildProcessSpec(command: ["sh", "-c", "echo one; echo two >&2; printf 'three\\nfour'; exit 3"], environment: Self.environment),
            output: pump)
        var builder = LifecycleBuilder()
        Self.register(echoer, priority: 0, in: &builder,
                      restart: RestartPolicy(mode: .onFailure, backoff: .milliseconds(10), jitter: 0, maxRestarts: 1))
        let report = await (try builder.build(options: Self.options())).run()
        #expect(report.errors.first?.kind == .restartLimit)
        #expect(echoer.starts == 2)
        defer { close(fds[1]) }  // the pump may still be writing: close only when done reading
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ChildProgram.monotonicMilliseconds() + 10_000
        // "four" has no newline: the second start's "one" completes it as "fourone".
        while !String(decoding: collected, as: UTF8.self).contains("echoer | fourone"), ChildProgram.monotonicMilliseconds() < deadline {
            var descriptor = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) >= 0 else { break }
            if descriptor.revents != 0 {
                let count = read(fds[0], &buffer, buffer.count)
                if count > 0 { collected += buffer[0..<count] }
            }
        }
        let text = String(decoding: collected, as: UTF8.self)
        for line in ["echoer | one", "echoer | two", "echoer | three", "echoer | fourone"] { #expect(text.contains(line + "\n"), "\(text)") }
        #expect(pump.recentLines().count == 3)
    }
}
