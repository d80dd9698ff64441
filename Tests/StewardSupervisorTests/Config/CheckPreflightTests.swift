import Foundation
import TestSupport
import Testing
@testable import StewardSupervisor
#if canImport(Glibc)
import Glibc
#endif

/// `steward check` runs every check `run` would meet before starting anything: programs found,
/// working directories there, accounts known, cron schedules that fire, log files and the journal
/// writable; all reported at once, each at its key path. It starts, creates and changes nothing.
@Suite("steward check: what run needs from this machine", .timeLimit(.minutes(1)))
struct CheckPreflightTests {
    let steward = ChildProgram.buildDirectory + "/steward"

    /// Runs `steward check path` with a fixed PATH.
    func check(_ path: String) async throws -> (code: Int32?, lines: [String]) {
        let program = try ChildProgram([steward, "check", path], environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
        let status = await program.waitForExit()
        return (status?.exitCode, program.lines)
    }

    @Test("a missing program, cwd, user and group, a cron that never fires and an unwritable journal: all reported by one check, exit 78; fixed, it passes and check created nothing")
    func everyProblemAtOnce() async throws {
        let directory = try TemporaryDirectory("check-preflight")
        let notADirectory = directory.file("plain-file")
        try "".write(toFile: notADirectory, atomically: true, encoding: .utf8)
        let config = directory.file("steward.json5")
        try """
        {
          journal: { path: "plain-file/journal.sqlite" },
          processes: {
            api: { command: ["steward-no-such-program", "--port", "80"] },
            web: { command: ["true"], cwd: "missing-dir" },
            db: { command: ["true"], user: "steward-no-such-user", group: "steward-no-such-group" },
            logs: { command: ["true"], log: { file: "missing-dir/logs.txt" } },
          },
          jobs: {
            never: { command: ["true"], schedule: "0 0 0 30 2 *" },
            report: { command: ["./report.sh"], cwd: "plain-file" },
          },
        }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let (code, lines) = try await check(config)
        #expect(code == 78)
        #expect(lines == [
            "\(config): 9 problem(s)",
            #"  jobs.never.schedule: the cron expression "0 0 0 30 2 *" never fires: no date from now on matches it (e.g. February 30th, a 6th Monday, or only past years) (line 10, column 33)"#,
            #"  jobs.report.command[0]: ./report.sh: \#(notADirectory)/./report.sh is not an executable file (line 11, column 25)"#,
            #"  jobs.report.cwd: not a directory ("\#(notADirectory)") (line 11, column 41)"#,
            #"  journal.path: cannot write the journal "\#(notADirectory)/journal.sqlite": use the directory \#(notADirectory): Not a directory (line 2, column 14)"#,
            #"  processes.api.command[0]: steward-no-such-program: not found in PATH (/usr/bin:/bin) (line 4, column 22)"#,
            #"  processes.db.group: unknown group "steward-no-such-group" (line 6, column 60)"#,
            #"  processes.db.user: unknown user "steward-no-such-user" (line 6, column 30)"#,
            #"  processes.logs.log.file: cannot open the log file "\#(directory.path)/missing-dir/logs.txt": its directory \#(directory.path)/missing-dir does not exist (line 7, column 39)"#,
            #"  processes.web.cwd: directory not found ("\#(directory.path)/missing-dir") (line 5, column 31)"#,
        ])

        // Each problem fixed, the config passes, and check created nothing: not the journal, its
        // directory, nor a log file.
        let clean = try TemporaryDirectory("check-clean")
        let fixed = clean.file("steward.json5")
        try """
        {
          journal: { path: "state/deeper/journal.sqlite" },
          processes: {
            web: { command: ["sh", "-c", "exit 0"], cwd: ".", log: { file: "web.log" } },
            once: { command: ["/bin/true"], oneshot: true, user: "0", group: "root" },
          },
          jobs: { nightly: { command: ["true"], cwd: "/", schedule: "0 0 3 * * *" } },
        }
        """.write(toFile: fixed, atomically: true, encoding: .utf8)
        let passed = try await check(fixed)
        #expect(passed.code == 0, "\(passed.lines)")
        #expect(passed.lines == ["\(fixed): ok (2 process(es), 1 job(s), journal \(clean.path)/state/deeper/journal.sqlite)"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: clean.path) == ["steward.json5"])
    }

    @Test("the program is looked up in the PATH the child will have: steward's, then envFile, then env")
    func childPath() async throws {
        let directory = try TemporaryDirectory("check-path")
        let bin = directory.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\n".write(toFile: bin + "/steward-test-tool", atomically: true, encoding: .utf8)
        #expect(chmod(bin + "/steward-test-tool", 0o755) == 0)
        try "PATH=\(bin)\n".write(toFile: directory.file("tools.env"), atomically: true, encoding: .utf8)
        let config = directory.file("steward.json5")
        try """
        { processes: {
            a: { command: ["steward-test-tool"], envFile: "tools.env" },
            b: { command: ["steward-test-tool"], env: { PATH: "\(bin)" } },
            c: { command: ["steward-test-tool"] },
        } }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let (code, lines) = try await check(config)
        #expect(code == 78)
        #expect(lines == [
            "\(config): 1 problem(s)",
            "  processes.c.command[0]: steward-test-tool: not found in PATH (/usr/bin:/bin) (line 4, column 20)",
        ])
    }
}
