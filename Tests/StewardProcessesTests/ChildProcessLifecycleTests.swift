import StewardCore
import StewardProcesses
import StewardTesting
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Child OS processes as components of the core runner, with real processes and signals. Timeouts
/// are small and real; assertions are about outcomes (who was killed by what), never speed.
@Suite("Child processes in the lifecycle", .timeLimit(.minutes(1)))
struct ChildProcessLifecycleTests {
    static func options(deadline: Duration? = .seconds(20)) -> LifecycleOptions {
        LifecycleOptions(signals: .disabled, shutdownDeadline: deadline, cancellationGrace: .seconds(5),
                         logger: Logger(label: "test", sink: MemoryLogSink(capacity: 200)), random: { 0 })
    }

    static let shell = ["PATH": "/usr/bin:/bin"]

    /// `run` has begun at "ready"; the spawn follows a moment later.
    static func pidAppears(_ process: ChildProcess) async -> Int32? {
        let deadline = ChildProgram.monotonicMilliseconds() + 10_000
        while process.pid == nil, ChildProgram.monotonicMilliseconds() < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return process.pid
    }

    @Test("a oneshot runs to exit 0 before the next group starts")
    func oneshotGatesTheNextGroup() async throws {
        let marker = "/tmp/steward-oneshot-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(marker) }
        var builder = LifecycleBuilder()
        builder.add(OneShotProcess(ChildProcessSpec(command: ["sh", "-c", "sleep 0.2; touch \(marker)"], environment: Self.shell)),
                    name: "migrate", options: .init(priority: 0))
        let web = ChildProcess(ChildProcessSpec(command: ["sh", "-c", "test -e \(marker) || exit 9; exec sleep 60"], environment: Self.shell))
        builder.add(web, name: "web", options: .init(priority: 1, shutdownTimeout: .seconds(10)))
        let lifecycle = try builder.build(options: Self.options())
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        #expect(await Self.pidAppears(web) != nil)
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean, "\(report)")
        #expect(web.lastExit == .killed(by: SIGTERM))
    }

    @Test("a failing oneshot aborts startup with its exit status")
    func failingOneshot() async throws {
        var builder = LifecycleBuilder()
        builder.add(OneShotProcess(ChildProcessSpec(command: ["sh", "-c", "exit 3"], environment: Self.shell)), name: "migrate")
        let web = ChildProcess(ChildProcessSpec(command: ["sleep", "60"], environment: Self.shell))
        builder.add(web, name: "web", options: .init(priority: 1))
        let report = await (try builder.build(options: Self.options())).run()
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.phase == .initialize)
        #expect(report.errors.first?.description.hasSuffix("exited 3)") == true)
        #expect(web.starts == 0)
    }

    @Test("a missing program is an init error, not a restart loop")
    func missingProgram() async throws {
        var builder = LifecycleBuilder()
        builder.add(ChildProcess(ChildProcessSpec(command: ["definitely-not-installed"], environment: Self.shell)), name: "ghost",
                    options: .init(restart: .always))
        let report = await (try builder.build(options: Self.options())).run()
        #expect(report.errors.map(\.description) == ["ghost: init failed (definitely-not-installed: not found in PATH (/usr/bin:/bin))"])
    }

    @Test("a child ignoring SIGTERM is killed with SIGKILL after its stop timeout, descendants included")
    func ignoresSigterm() async throws {
        let child = ChildProcess(ChildProcessSpec(
            command: ["sh", "-c", "trap '' TERM; sleep 60 & echo started; wait"], environment: Self.shell))
        var builder = LifecycleBuilder()
        builder.add(child, name: "stubborn", options: .init(shutdownTimeout: .milliseconds(300)))
        let lifecycle = try builder.build(options: Self.options())
        let recorder = EventRecorder(lifecycle)
        let run = start(lifecycle)
        await recorder.trace.waitFor("ready")
        let pid = try #require(await Self.pidAppears(child))
        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.errors.map(\.description) == ["stubborn: did not shut down within 300ms (returned after cancellation)"])
        #expect(child.lastExit == nil || child.lastExit == .killed(by: SIGKILL))
        // The whole group is gone: kill(-pgid, 0) fails with ESRCH once no member is left.
        let deadline = ChildProgram.monotonicMilliseconds() + 10_000
        while kill(-pid, 0) == 0, ChildProgram.monotonicMilliseconds() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(kill(-pid, 0) == -1 && errno == ESRCH)
    }

    @Test("a crashing child is restarted by the runner's policy until the intensity limit")
    func restartsThenGivesUp() async throws {
        let child = ChildProcess(ChildProcessSpec(command: ["sh", "-c", "exit 7"], environment: Self.shell))
        var builder = LifecycleBuilder()
        let policy = RestartPolicy(mode: .onFailure, backoff: .milliseconds(10), maxBackoff: .milliseconds(20), jitter: 0,
                                   maxRestarts: 2, window: .seconds(60))
        builder.add(child, name: "crashy", options: .init(restart: policy))
        let report = await (try builder.build(options: Self.options())).run()
        #expect(child.starts == 3)
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.kind == .restartLimit)
        #expect(report.errors.first?.description.hasSuffix("exited 7; more than 2 restarts within 1m)") == true)
        #expect(report.exitCode == 1)
    }
}
