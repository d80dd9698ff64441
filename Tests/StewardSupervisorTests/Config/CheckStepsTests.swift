import Foundation
import TestSupport
import Testing

/// `steward check` looks at each step of a job as `run` will start it.
@Suite("steward check: job steps and hooks", .timeLimit(.minutes(1)))
struct CheckStepsTests {
    @Test("a step or hook whose program is missing, or a step whose cwd is not a directory, is reported at its path; fixed, it passes")
    func stepsChecked() async throws {
        let directory = try TemporaryDirectory("check-steps")
        let config = directory.file("steward.json5")
        try #"""
        {
          journal: { path: "journal.sqlite" },
          jobs: { etl: { steps: [
            { command: ["true"] },
            { name: "load", command: ["steward-no-such-step"] },
            { command: ["true"], cwd: "missing-dir" },
          ], onFailure: ["true"], onSuccess: ["steward-no-such-hook"] } },
        }
        """#.write(toFile: config, atomically: true, encoding: .utf8)
        let program = try ChildProgram([ChildProgram.buildDirectory + "/steward", "check", config],
                                       environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
        #expect(await program.waitForExit()?.exitCode == 78)
        #expect(program.lines.contains { $0.hasPrefix("  jobs.etl.steps[1].command[0]: steward-no-such-step: not found in PATH") }, "\(program.lines)")
        #expect(program.lines.contains { $0.hasPrefix(#"  jobs.etl.steps[2].cwd: directory not found ("\#(directory.path)/missing-dir")"#) }, "\(program.lines)")
        #expect(program.lines.contains { $0.hasPrefix("  jobs.etl.onSuccess[0]: steward-no-such-hook: not found in PATH") }, "\(program.lines)")
        #expect(!program.lines.contains { $0.contains("steps[0]") || $0.contains("onFailure") })

        try #"{ journal: { path: "journal.sqlite" }, jobs: { etl: { steps: [{ command: ["true"] }, { command: ["true"], cwd: "." }] } } }"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let fixed = try ChildProgram([ChildProgram.buildDirectory + "/steward", "check", config],
                                     environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
        #expect(await fixed.waitForExit()?.exitCode == 0, "\(fixed.lines)")
    }
}
