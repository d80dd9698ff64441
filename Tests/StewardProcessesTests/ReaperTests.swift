import CStewardSystem
import StewardProcesses
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Reaper", .timeLimit(.minutes(2)))
struct ReaperTests {
    @Test("a child that exits instantly is never mistaken for an orphan")
    func instantExit() async throws {
        let before = Reaper.shared.orphansReaped
        var children: [ChildProgram] = []
        for _ in 0..<50 { children.append(try ChildProgram(["/bin/true"])) }
        for child in children { #expect(await child.waitForExit() == .exited(0)) }
        // Other tests may reap orphans concurrently, but none of these 50 may be counted as one.
        #expect(Reaper.shared.livePids.filter { pid in children.contains { $0.pid == pid } }.isEmpty)
        _ = before
    }

    @Test("children spawned from many tasks at once that exit instantly each get their own status")
    func concurrentInstantExits() async throws {
        // Spawns run outside the reaper's lock: SIGCHLD for one child arrives while others are
        // being spawned, and none of them may be reaped as an orphan before it is registered
        // (its handle would then never complete).
        let results = try await withThrowingTaskGroup(of: [(expected: Int32, status: StewardProcesses.ExitStatus?)].self) { group in
            for task in 0..<4 {
                group.addTask {
                    var children: [(Int32, ChildProgram)] = []
                    for index in 0..<25 {
                        let code = Int32((task * 25 + index) % 7)
                        children.append((code, try ChildProgram(["/bin/sh", "-c", "exit \(code)"])))
                    }
                    var results: [(expected: Int32, status: StewardProcesses.ExitStatus?)] = []
                    for (code, child) in children { results.append((code, await child.waitForExit())) }
                    return results
                }
            }
            var all: [(expected: Int32, status: StewardProcesses.ExitStatus?)] = []
            for try await results in group { all += results }
            return all
        }
        #expect(results.count == 100)
        for result in results { #expect(result.status == .exited(result.expected)) }
    }

    @Test("reapAll reports that a child is left while one runs")
    func reportsChildrenLeft() async throws {
        let child = try ChildProgram(["/bin/sleep", "60"])
        #expect(Reaper.shared.reapAll())
        child.signal(SIGKILL)
        #expect(await child.waitForExit() == .killed(by: SIGKILL))
    }

    @Test("1,000 orphaned zombies are reaped, none left (subreaper mode)")
    func thousandOrphans() async throws {
        try Reaper.shared.becomeSubreaper()
        let before = Reaper.shared.orphansReaped
        // The shell starts 1,000 background readers of a pipe and exits: they are orphaned,
        // re-parented to this process (the subreaper), and exit as its zombies once the pipe's
        // write end closes. They exit only after the shell did (a timed sleep could end while
        // the shell still runs on a loaded machine, and the shell would reap it itself).
        var pipe: [Int32] = [0, 0]
        #expect(steward_pipe_cloexec(&pipe) == 0)
        let child = try ChildProgram(["/bin/sh", "-c", "i=0; while [ $i -lt 1000 ]; do cat <&3 >/dev/null 2>&1 & i=$((i+1)); done; echo spawned"],
                                     extra: [3: pipe[0]])
        close(pipe[0])
        #expect(await child.waitForLine("spawned", seconds: 60))
        #expect(await child.waitForExit(seconds: 60) == .exited(0))
        close(pipe[1])
        let deadline = ChildProgram.monotonicMilliseconds() + 60_000
        while Reaper.shared.orphansReaped - before < 1000, ChildProgram.monotonicMilliseconds() < deadline {
            try await Task.sleep(for: .milliseconds(20))  // polling a counter with a deadline
        }
        #expect(Reaper.shared.orphansReaped - before >= 1000)
        // Other tests' children may be between exit and reap at any instant: none may stay.
        var zombies = Self.zombieChildren()
        while !zombies.isEmpty, ChildProgram.monotonicMilliseconds() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            zombies = Self.zombieChildren()
        }
        #expect(zombies.isEmpty, "zombies left: \(zombies)")
    }

    /// Zombie processes whose parent is this process, from /proc.
    static func zombieChildren() -> [Int32] {
        let me = getpid()
        var zombies: [Int32] = []
        for name in directoryEntries("/proc") {
            guard let pid = Int32(name), let stat = try? String(contentsOfProcFile: "/proc/\(pid)/stat") else { continue }
            // "pid (comm) S ppid ...": the state and ppid follow the last ')'.
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, fields[0] == "Z", Int32(fields[1]) == me { zombies.append(pid) }
        }
        return zombies
    }
}

