#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing

/// `Lifecycle.runMain(arguments:)` in a real program (Tests/Fixtures/LifecycleFixture, `run-main`).
@Suite("runMain's command line", .timeLimit(.minutes(2)))
struct RunMainTests {
    let fixture = ChildProgram.buildDirectory + "/steward-lifecycle-fixture"

    @Test("an unknown argument is an error naming it (exit 64), and nothing starts")
    func unknownArgument() async throws {
        let child = try ChildProgram([fixture, "run-main", "--verbose", "extra"])
        #expect(await child.waitForExit()?.exitCode == 64)
        #expect(child.lines.contains { $0.contains("unknown argument \"--verbose\"") }, "\(child.lines)")
        #expect(child.lines.contains { $0.contains("--help") }, "\(child.lines)")
        #expect(!child.lines.contains { $0.hasPrefix("event") }, "\(child.lines)")
    }

    @Test("--help and -h print the help and exit 0 without starting anything")
    func help() async throws {
        for flag in ["--help", "-h"] {
            let child = try ChildProgram([fixture, "run-main", flag])
            #expect(await child.waitForExit()?.exitCode == 0)
            #expect(child.lines.contains { $0.hasPrefix("Any variable NAME may instead be read from a file") }, "\(child.lines)")
            #expect(!child.lines.contains { $0.hasPrefix("event") }, "\(child.lines)")
        }
    }

    @Test("--help with an unknown argument is still an error")
    func helpWithUnknownArgument() async throws {
        let child = try ChildProgram([fixture, "run-main", "--help", "--bogus"])
        #expect(await child.waitForExit()?.exitCode == 64)
        #expect(child.lines.contains { $0.contains("unknown argument \"--bogus\"") }, "\(child.lines)")
    }

    @Test("without arguments it runs, and SIGTERM ends it cleanly")
    func runs() async throws {
        let child = try ChildProgram([fixture, "run-main"])
        #expect(await child.waitForLine("event ready"))  // async on main since the i15 merge
        child.signal(SIGTERM)
        #expect(await child.waitForExit()?.exitCode == 0)
    }
}
