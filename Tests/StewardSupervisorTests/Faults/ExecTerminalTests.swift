import TestSupport
import Testing

@Suite("Fault: steward exec on a terminal", .timeLimit(.minutes(1)))
struct ExecTerminalTests {
    /// Fault: `docker run -it image steward exec -- sh`. Before, the child got a process group of
    /// its own but not the terminal's foreground: its first read stopped it (SIGTTIN) and steward
    /// waited forever. Driven through a real pseudo-terminal and an interactive bash with job
    /// control (pexpect), so Ctrl-Z and fg are the real thing.
    @Test("an interactive child reads the terminal; Ctrl-Z stops the job and fg continues it")
    func interactiveChild() async throws {
        let script = String(#filePath.dropLast("ExecTerminalTests.swift".count)) + "Scripts/exec_on_terminal.py"
        let harness = try ChildProgram(["python3", script, Fault.steward])
        let status = await harness.waitForExit(seconds: 45)
        #expect(status == .exited(0), "\(harness.lines.joined(separator: "\n"))")
        #expect(harness.lines.filter { $0.hasPrefix("ok: ") }.count == 5, "\(harness.lines)")
    }
}
