import StewardProcesses
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// StewardExecutor, exercised in a child process (Tests/Fixtures/ExecutorFixture): it takes over
/// the process's tasks and signals, so the suite itself stays on the default executor.
@Suite("StewardExecutor: one thread, FIFO, sleeps from a deadline heap, signals from a signalfd")
struct ExecutorTests {
    let fixture = ChildProgram.buildDirectory + "/steward-executor-fixture"

    @Test("jobs in FIFO order, sleeps in deadline order, main actor and signal observers on the loop, children unmasked, no other thread, unobserved signals take their default action")
    func fixtureReport() async throws {
        let program = try ChildProgram([fixture], environment: ChildProgram.isolatedEnvironment())
        let status = await program.waitForExit()
        #expect(program.lines == [
            "fifo ok",
            "sleep order 10,20,30",
            "main actor on the main thread",
            "cancelled sleep returned",
            "SIGUSR1 observed on the main thread",
            "child SigBlk 0000000000000000",
            "child SigIgn 0000000000000000",
            "threads 1",
        ], "\(program.lines)")
        #expect(status == .killed(by: SIGUSR2))
    }
}
