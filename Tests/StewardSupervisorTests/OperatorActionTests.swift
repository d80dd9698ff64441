import StewardCore
import StewardProcesses
import StewardSupervisor
import StewardTesting
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `steward stop|start|restart|signal NAME` at the level of the process component.
@Suite("Operator actions on a process", .timeLimit(.minutes(1)))
struct OperatorActionTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    func running(_ process: SupervisedProcess, restart: RestartPolicy = .never) throws -> (Lifecycle, RunningLifecycle) {
        var builder = LifecycleBuilder()
        builder.add(process, name: process.name, options: .init(healthKeys: process.healthKey.map { [$0] } ?? [],
                                                                shutdownTimeout: .seconds(5), restart: restart))
        let lifecycle = try builder.build(options: SupervisedProcessTests.options())
        return (lifecycle, start(lifecycle))
    }

    @Test("stop holds the process down without failing it or ending steward; start brings it back")
    func stopThenStart() async throws {
        let process = SupervisedProcess(name: "worker", spec: ChildProcessSpec(command: ["sleep", "60"], environment: Self.environment),
                                        readiness: ReadinessSpec(source: .check(.delay(.zero))))
        let (lifecycle, run) = try running(process)
        #expect(await eventually { process.pid != nil && lifecycle.health.isReady })
        let first = try #require(process.pid)

        try await process.stopByOperator()
        #expect(process.pid == nil)
        #expect(process.snapshot.heldByOperator)
        #expect(kill(first, 0) == -1)
        #expect(await eventually { lifecycle.health.status(of: "worker")?.reason == "stopped by operator" })
        #expect(!lifecycle.isShuttingDown, "an operator's stop never ends steward")
        await #expect(throws: ProcessControlError.alreadyStopped("worker")) { try await process.stopByOperator() }
        #expect(lifecycle.components.first?.restarts == 0)

        try process.startByOperator()
        #expect(await eventually { process.pid != nil && process.pid != first && lifecycle.health.isReady })
        #expect(!process.snapshot.heldByOperator)
        #expect(throws: ProcessControlError.notStopped("worker")) { try process.startByOperator() }

        lifecycle.requestShutdown()
        let report = await run.value
        #expect(report.isClean, "\(report)")
        #expect(lifecycle.components.first?.restarts == 0)
    }

    @Test("restart replaces the child at once, whatever the restart policy, and is not counted as a restart")
    func restartReplacesChild() async throws {
        let process = SupervisedProcess(name: "web", spec: ChildProcessSpec(command: ["sleep", "60"], environment: Self.environment))
        let (lifecycle, run) = try running(process, restart: .never)
        #expect(await eventually { process.pid != nil })
        let first = try #require(process.pid)
        await process.restartByOperator()
        #expect(await eventually { process.pid != nil && process.pid != first })
        #expect(process.starts == 2)
        #expect(lifecycle.components.first?.restarts == 0)
        #expect(lifecycle.components.first?.status == .running)
        lifecycle.requestShutdown()
        #expect(await run.value.isClean)
    }

    @Test("stop escalates to SIGKILL after the stop timeout when the child ignores its stop signal")
    func stopEscalates() async throws {
        // Wait for the trap, not for the pid: a SIGTERM before `trap` ran would kill the shell.
        let marker = "/tmp/steward-trap-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(marker) }
        let process = SupervisedProcess(
            name: "stubborn",
            spec: ChildProcessSpec(command: ["sh", "-c", "trap '' TERM; echo > \(marker); while :; do sleep 1; done"], environment: Self.environment),
            stopTimeout: .milliseconds(200))
        let (lifecycle, run) = try running(process)
        #expect(await eventually { process.pid != nil && access(marker, F_OK) == 0 })
        try await process.stopByOperator()
        #expect(process.lastExit?.signal == SIGKILL)
        lifecycle.requestShutdown()
        #expect(await run.value.isClean)
    }

    @Test("signal reaches the child itself; without a child it is refused")
    func signalReachesChild() async throws {
        let marker = "/tmp/steward-usr1-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(marker) }
        let process = SupervisedProcess(
            name: "hup",
            spec: ChildProcessSpec(command: ["sh", "-c", "trap 'touch \(marker)' USR1; echo > \(marker).up; while :; do sleep 0.05; done"],
                                   environment: Self.environment))
        defer { unlink(marker + ".up") }
        let (lifecycle, run) = try running(process)
        #expect(await eventually { access(marker + ".up", F_OK) == 0 })
        try process.signalByOperator(SIGUSR1)
        #expect(await eventually { access(marker, F_OK) == 0 })
        try await process.stopByOperator()
        #expect(throws: ProcessControlError.notRunning("hup")) { try process.signalByOperator(SIGUSR1) }
        lifecycle.requestShutdown()
        #expect(await run.value.isClean)
    }
}
