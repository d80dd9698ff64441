import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `steward run` and `steward check`, the real binary with real configs, processes and signals.
@Suite("steward run and check", .timeLimit(.minutes(1)))
struct RunCommandTests {
    let steward = ChildProgram.buildDirectory + "/steward"

    /// Writes a config to a fresh temp file and returns its path.
    func config(_ text: String) throws -> String {
        let path = "/tmp/steward-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json5"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TestSupportError("cannot write \(path)") }
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        return path
    }

    @Test("check: exit 0 for a good file, 78 with every problem and its key path for a bad one")
    func check() async throws {
        let good = try config(#"{ processes: { a: { command: ["true"] } } }"#)
        defer { unlink(good) }
        let ok = try ChildProgram([steward, "check", good])
        #expect(await ok.waitForExit()?.exitCode == 0)
        #expect(ok.lines == ["\(good): ok (1 process(es))"])
        let journal = "/tmp/steward-run-\(getpid())-unused/j.sqlite"  // check creates nothing there
        let withJobs = try config(#"{ journal: { path: "\#(journal)" }, processes: { a: { command: ["true"] } }, jobs: { b: { command: ["true"] } } }"#)
        defer { unlink(withJobs) }
        let jobs = try ChildProgram([steward, "check", withJobs])
        #expect(await jobs.waitForExit()?.exitCode == 0)
        #expect(jobs.lines == ["\(withJobs): ok (1 process(es), 1 job(s), journal \(journal))"])
        // A shared journal is named (no password), never probed: the database may not be up yet.
        let shared = try config(#"{ journal: { postgres: "postgresql://u:secret@127.0.0.1:1/db", node: "n1" }, processes: { a: { command: ["true"] } }, jobs: { b: { command: ["true"] } } }"#)
        defer { unlink(shared) }
        let sharedCheck = try ChildProgram([steward, "check", shared])
        #expect(await sharedCheck.waitForExit()?.exitCode == 0)
        #expect(sharedCheck.lines.count == 1 && sharedCheck.lines[0].contains("node n1") && !sharedCheck.lines[0].contains("secret"), "\(sharedCheck.lines)")
        let bad = try config("""
        {
          processes: {
            web: { command: [], ready: { http: "htp:/x" }, stopSignal: "SIGNOPE" },
            db: { command: ["x"], colour: "blue" },
          },
        }
        """)
        defer { unlink(bad) }
        let broken = try ChildProgram([steward, "check", bad])
        #expect(await broken.waitForExit()?.exitCode == 78)
        let text = broken.lines.joined(separator: "\n")
        for path in ["processes.db.colour", "processes.web.command", "processes.web.ready.http", "processes.web.stopSignal"] {
            #expect(text.contains(path + ":"), "\(path) missing from: \(text)")
        }
        #expect(text.contains("(line "))
        let usage = try ChildProgram([steward, "check"])
        #expect(await usage.waitForExit()?.exitCode == 64)
    }

    @Test("a failing oneshot aborts startup and its exit code becomes steward's")
    func oneshotFailure() async throws {
        let path = try config(#"""
        { processes: {
            migrate: { command: ["sh", "-c", "echo migrating; exit 5"], oneshot: true },
            web: { priority: 1, command: ["sh", "-c", "echo web started; sleep 60"] },
        } }
        """#)
        defer { unlink(path) }
        let run = try ChildProgram([steward, "run", path], environment: ChildProgram.isolatedEnvironment())
        #expect(await run.waitForExit()?.exitCode == 5)
        #expect(run.lines.contains("migrate | migrating"))
        #expect(!run.lines.contains("web | web started"))
    }

    @Test("a critical process that fails for good shuts steward down with its exit code")
    func criticalFailure() async throws {
        let path = try config(#"""
        { processes: {
            steady: { command: ["sleep", "60"] },
            crashy: { command: ["sh", "-c", "exit 7"], restart: { policy: "on-failure", backoff: "10ms", maxBackoff: "20ms", maxRestarts: 2 } },
        } }
        """#)
        defer { unlink(path) }
        let run = try ChildProgram([steward, "run", path], environment: ChildProgram.isolatedEnvironment())
        #expect(await run.waitForExit()?.exitCode == 7)
        #expect(run.lines.contains { $0.contains("crashy: run failed (pid") && $0.contains("exited 7; more than 2 restarts within 1m)") })
    }

    @Test("SIGTERM: groups stop in reverse priority order, exit 0")
    func gracefulStop() async throws {
        let path = try config(#"""
        { processes: {
            first: { priority: 0, command: ["sh", "-c", "trap 'echo first stopping; exit 0' TERM; echo up; while :; do sleep 0.05; done"],
                     ready: { exec: ["true"], interval: "50ms" } },
            second: { priority: 1, command: ["sh", "-c", "trap 'echo second stopping; exit 0' TERM; echo up; while :; do sleep 0.05; done"] },
        } }
        """#)
        defer { unlink(path) }
        let run = try ChildProgram([steward, "run", path], environment: ChildProgram.isolatedEnvironment())
        #expect(await run.waitUntil { $0.contains("second | up") })
        #expect(await run.waitUntil { $0.contains { $0.contains("msg=ready") || $0.contains("msg=\"ready\"") } })
        run.signal(SIGTERM)
        #expect(await run.waitForExit()?.exitCode == 0)
        let second = run.lines.firstIndex(of: "second | second stopping"), first = run.lines.firstIndex(of: "first | first stopping")
        #expect(second != nil && first != nil && second! < first!, "\(run.lines)")
    }

    @Test("a child ignoring SIGTERM is killed after its stopTimeout; steward exits 143")
    func stopTimeout() async throws {
        let path = try config(#"""
        { processes: { stubborn: { command: ["sh", "-c", "trap '' TERM; echo up; while :; do sleep 0.05; done"], stopTimeout: "300ms" } } }
        """#)
        defer { unlink(path) }
        let run = try ChildProgram([steward, "run", path], environment: ChildProgram.isolatedEnvironment())
        #expect(await run.waitUntil { $0.contains("stubborn | up") })
        run.signal(SIGTERM)
        #expect(await run.waitForExit()?.exitCode == 143)
        #expect(run.lines.contains { $0.contains("stubborn: did not shut down within 300ms") })
    }

    @Test("a bad STEWARD_LOG_LEVEL is refused, naming the variable, exit 78; nothing starts")
    func badLogLevel() async throws {
        let path = try config(#"{ processes: { a: { command: ["sleep", "60"] } } }"#)
        defer { unlink(path) }
        let run = try ChildProgram([steward, "run", path], environment: ChildProgram.isolatedEnvironment(["STEWARD_LOG_LEVEL": "loud"]))
        #expect(await run.waitForExit()?.exitCode == 78)
        #expect(run.lines.contains { $0.hasPrefix("steward: STEWARD_LOG_LEVEL=\"loud\" is not a log level") }, "\(run.lines)")
    }
}
