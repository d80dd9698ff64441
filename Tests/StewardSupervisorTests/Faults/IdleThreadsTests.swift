import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Fault: a libdispatch worker thread in `steward run` or `steward exec`. The first one starts
/// libdispatch's worker-pool monitor, which wakes the process every second for as long as it lives
/// (60 wake-ups a minute of an otherwise idle PID 1). Both commands run on StewardExecutor, so no
/// such thread may exist once the child runs and a signal has been handled.
@Suite("No libdispatch thread in steward run or exec")
struct IdleThreadsTests {
    @Test("steward exec: one thread, the main one, after starting its child and forwarding a signal")
    func exec() async throws {
        let steward = try ChildProgram([Fault.steward, "exec", "--", "sh", "-c", "trap 'echo got USR1' USR1; echo trapped; while :; do sleep 0.1; done"],
                                       environment: ChildProgram.isolatedEnvironment())
        #expect(await steward.waitForLine("trapped"), "\(steward.lines)")
        steward.signal(SIGUSR1)
        #expect(await steward.waitForLine("got USR1"), "\(steward.lines)")
        #expect(Self.threads(of: steward.pid).map(\.name) == [String(Fault.steward.split(separator: "/").last!.prefix(15))])
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(143))
    }

    @Test("steward run: only steward's own threads, none of libdispatch's")
    func run() async throws {
        let directory = try TemporaryDirectory("idle-threads")
        let config = directory.file("steward.json5")
        try Fault.write("""
        { control: { socket: "\(directory.file("control.sock"))" }, journal: { path: "\(directory.file("journal.sqlite"))" },
          processes: { worker: { command: ["sleep", "600"] } } }
        """, to: config)
        let steward = try ChildProgram([Fault.steward, "run", config], environment: ChildProgram.isolatedEnvironment())
        #expect(await steward.waitUntil { $0.contains { $0.contains("msg=ready") || $0.contains("msg=\"ready\"") } }, "\(steward.lines)")
        _ = try await Fault.status(socket: directory.file("control.sock"))
        let names = Self.threads(of: steward.pid).map(\.name)
        #expect(!names.isEmpty)
        #expect(names.allSatisfy { $0 == "steward" || $0.hasPrefix("steward-") }, "\(names)")
        steward.signal(SIGTERM)
        #expect(await steward.waitForExit() == .exited(0))
    }

    /// The threads of `pid`: id and name (`/proc/PID/task/TID/comm`), by id.
    static func threads(of pid: Int32) -> [(id: Int32, name: String)] {
        directoryEntries("/proc/\(pid)/task").compactMap { name -> (id: Int32, name: String)? in
            guard let id = Int32(name),
                  let comm = try? String(contentsOfProcFile: "/proc/\(pid)/task/\(name)/comm") else { return nil }
            return (id, comm.trimmingCharacters(in: .whitespacesAndNewlines))
        }.sorted { $0.id < $1.id }
    }
}
