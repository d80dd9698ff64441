import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP reload against the real binary: add, remove, restart changed, leave the rest alone.
@Suite("steward reload", .timeLimit(.minutes(1)))
struct ReloadTests {
    let steward = ChildProgram.buildDirectory + "/steward"

    func write(_ text: String, to path: String) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
        rename(temporary, path)
    }

    static func process(_ name: String, _ word: String) -> String {
        "\(name): { command: [\"sh\", \"-c\", \"echo \(word) $$; exec sleep 60\"] }"
    }

    @Test("reload adds, removes and restarts changed processes; the untouched one keeps its pid; a broken config changes nothing")
    func addRemoveRestart() async throws {
        let path = "/tmp/steward-reload-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json5"
        defer { unlink(path) }
        write("{ processes: { \(Self.process("keep", "keep-v1")), \(Self.process("drop", "drop-v1")), \(Self.process("change", "change-v1")) } }", to: path)
        let run = try ChildProgram([steward, "run", path], environment: ChildProgram.isolatedEnvironment())
        #expect(await run.waitUntil { lines in ["keep", "drop", "change"].allSatisfy { name in lines.contains { $0.hasPrefix("\(name) | \(name)-v1") } } })
        let keepLine = run.lines.first { $0.hasPrefix("keep | keep-v1") }

        write("{ processes: { \(Self.process("keep", "keep-v1")), \(Self.process("change", "change-v2")), \(Self.process("fresh", "fresh-v1")) } }", to: path)
        run.signal(SIGHUP)
        #expect(await run.waitUntil { $0.contains { $0.contains("reload: added fresh; removed drop; restarted change") } }, "\(run.lines)")
        #expect(await run.waitUntil { $0.contains { $0.hasPrefix("change | change-v2") } })
        #expect(await run.waitUntil { $0.contains { $0.hasPrefix("fresh | fresh-v1") } })
        #expect(run.lines.filter { $0.hasPrefix("keep | keep-v1") } == [keepLine].compactMap { $0 })  // not restarted

        write("{ processes: { keep: { command: [] } } }", to: path)
        run.signal(SIGHUP)
        #expect(await run.waitUntil { $0.contains { $0.contains("nothing changed") } })
        #expect(!run.lines.contains { $0.contains("removed fresh") })

        run.signal(SIGTERM)
        #expect(await run.waitForExit()?.exitCode == 0)
    }

    @Test("a reload that changes every process replaces them all and steward keeps running")
    func replaceEverything() async throws {
        let path = "/tmp/steward-reload-all-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json5"
        defer { unlink(path) }
        write("{ processes: { \(Self.process("only", "only-v1")) } }", to: path)
        let run = try ChildProgram([steward, "run", path], environment: ChildProgram.isolatedEnvironment())
        #expect(await run.waitUntil { $0.contains { $0.hasPrefix("only | only-v1") } })
        write("{ processes: { \(Self.process("only", "only-v2")) } }", to: path)
        run.signal(SIGHUP)
        #expect(await run.waitUntil { $0.contains { $0.contains("reload: restarted only") } }, "\(run.lines)")
        #expect(await run.waitUntil { $0.contains { $0.hasPrefix("only | only-v2") } })
        #expect(!run.lines.contains { $0.contains("all runnables finished") })
        run.signal(SIGTERM)
        #expect(await run.waitForExit()?.exitCode == 0)
    }
}
