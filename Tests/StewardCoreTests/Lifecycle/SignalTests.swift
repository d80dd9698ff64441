#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing

/// Real signals sent to a real child program (Tests/Fixtures/LifecycleFixture).
@Suite("Signals", .timeLimit(.minutes(2)))
struct SignalTests {
    let fixture = ChildProgram.buildDirectory + "/steward-lifecycle-fixture"

    @Test("first SIGTERM: graceful shutdown in order, exit 0")
    func gracefulSigterm() async throws {
        let child = try ChildProgram([fixture, "graceful"])
        #expect(await child.waitForLine("event ready"))
        child.signal(SIGTERM)
        #expect(await child.waitForExit()?.exitCode == 0)
        let lines = child.lines
        let position = { (line: String) in lines.firstIndex(of: line) ?? -1 }
        let shutdown = position("event shutdown (signal SIGTERM)")
        let stopped = [position("event svc stop succeeded"), position("event svc run succeeded")]
        let finalized = position("event db finalize succeeded"), finished = position("event finished")
        #expect(![shutdown, finalized, finished].contains(-1) && !stopped.contains(-1), "missing lines in \(lines)")
        #expect(shutdown < stopped.min()! && stopped.max()! < finalized && finalized < finished, "out of order: \(lines)")
        #expect(lines.last == "report exit=0 errors=")
    }

    @Test("SIGINT is graceful too")
    func gracefulSigint() async throws {
        let child = try ChildProgram([fixture, "graceful"])
        #expect(await child.waitForLine("event ready"))
        child.signal(SIGINT)
        #expect(await child.waitForExit()?.exitCode == 0)
    }

    @Test("second SIGTERM forces: stop is abandoned, run cancelled, finalizers still run, exit 3 (forced)")
    func secondSignal() async throws {
        let child = try ChildProgram([fixture, "stubborn"])
        #expect(await child.waitForLine("event ready"))
        child.signal(SIGTERM)
        #expect(await child.waitForLine("event svc stop started"))
        child.signal(SIGTERM)
        #expect(await child.waitForExit()?.exitCode == 3)  // forced
        #expect(child.lines.contains("event forced shutdown"))
        #expect(child.lines.contains("event svc run succeeded"))
        #expect(child.lines.contains("db finalized"))
        #expect(child.lines.last == "report exit=3 errors=svc: stop failed (cancelled by a forced shutdown)")
    }

    @Test("third SIGTERM exits at once with 143")
    func thirdSignal() async throws {
        let child = try ChildProgram([fixture, "wedged"])
        #expect(await child.waitForLine("event ready"))
        child.signal(SIGTERM)
        #expect(await child.waitForLine("event svc stop started"))
        child.signal(SIGTERM)
        #expect(await child.waitForLine("event forced shutdown"))
        child.signal(SIGTERM)
        #expect(await child.waitForExit()?.exitCode == 143)
        #expect(!child.lines.contains("db finalized"))
        #expect(!child.lines.contains { $0.hasPrefix("report") })
    }

    @Test("the default logger is labelled with the executable's name; a bad STEWARD_LOG_LEVEL fails the run before anything starts")
    func defaultLogger() async throws {
        var environment = ChildProgram.currentEnvironment
        environment["STEWARD_LOG_FORMAT"] = "logfmt"
        environment["STEWARD_LOG_LEVEL"] = "info"
        let good = try ChildProgram([fixture, "default-logger"], environment: environment)
        #expect(await good.waitForLine("event ready"))
        good.signal(SIGTERM)
        #expect(await good.waitForExit()?.exitCode == 0)
        #expect(good.lines.contains { $0.contains("logger=steward-lifecycle-fixture") }, "\(good.lines)")

        environment["STEWARD_LOG_LEVEL"] = "loud"
        let bad = try ChildProgram([fixture, "default-logger"], environment: environment)
        #expect(await bad.waitForExit()?.exitCode == 1)
        #expect(!bad.lines.contains("event svc run started"))
        // The report line is written directly; the runner's own log lines come through the
        // output queue's thread, so they may be before or after it.
        #expect(bad.lines.contains { $0.hasPrefix("report exit=1 errors=logger: config failed (STEWARD_LOG_LEVEL=\"loud\" is not a log level") },
                "\(bad.lines)")
    }

    @Test("a program that logs and calls exit keeps its last lines: the output queue flushes at exit")
    func logAndExit() async throws {
        // The pipe is drained by `cat`, a process of its own that is always there to read: the
        // test's own reader runs on the shared test threads, which a loaded run may keep busy
        // for longer than the exit flush waits for a stalled reader.
        let copy = "/tmp/steward-log-and-exit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(copy) }
        let child = try ChildProgram(["/bin/sh", "-c", "\"$0\" log-and-exit | cat > \"$1\"", fixture, copy])
        #expect(await child.waitForExit()?.exitCode == 0)
        let text = (try? String(contentsOfFile: copy, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter { $0.contains("msg=\"line ") }
        #expect(lines.count == 2000, "\(lines.count) of 2,000 lines reached the pipe")
        #expect(lines.last?.contains("msg=\"line 1999\"") == true)
    }
}
