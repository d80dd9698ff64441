import StewardProcesses
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Spawning children", .timeLimit(.minutes(1)))
struct SpawnTests {
    @Test("exit codes and deaths by signal are reported through the reaper")
    func exitStatuses() async throws {
        let three = try ChildProgram(["/bin/sh", "-c", "exit 3"])
        #expect(await three.waitForExit() == .exited(3))
        let killed = try ChildProgram(["/bin/sh", "-c", "kill -TERM $$"])
        let status = await killed.waitForExit()
        #expect(status == .killed(by: SIGTERM))
        #expect(status?.exitCode == 143)
    }

    @Test("argv is passed without a shell; the environment is exactly the one given")
    func argvAndEnvironment() async throws {
        let child = try ChildProgram(["/usr/bin/env"], environment: ["ONLY": "this one", "EMPTY": ""])
        #expect(await child.waitForExit() == .exited(0))
        #expect(child.lines.sorted() == ["EMPTY=", "ONLY=this one"])
        let echo = try ChildProgram(["printf", "%s|", "a b", "$HOME", "*"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(await echo.waitForExit() == .exited(0))
        #expect(echo.lines == [] || echo.lines == ["a b|$HOME|*|"])
        _ = await echo.waitForLine("never")  // drain
    }

    @Test("working directory, PATH lookup and lookup failure")
    func workingDirectoryAndLookup() async throws {
        let child = try ChildProgram(["pwd"], environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/tmp")
        #expect(await child.waitForExit() == .exited(0))
        #expect(child.lines == ["/tmp"])
        do {
            _ = try ChildProgram(["no-such-program-xyz"], environment: ["PATH": "/usr/bin:/bin"])
            Issue.record("expected a lookup failure")
        } catch let error as SpawnError {
            #expect(error.step == .lookup)
            #expect(error.description == "no-such-program-xyz: not found in PATH (/usr/bin:/bin)")
        }
        do {
            _ = try ChildProgram(["/bin/true"], workingDirectory: "/nonexistent-dir")
            Issue.record("expected a chdir failure")
        } catch let error as SpawnError {
            #expect(error.step == .workingDirectory)
            #expect(error.code == ENOENT)
            #expect(error.path == "/nonexistent-dir")
            #expect(error.description == "/bin/true: chdir /nonexistent-dir failed: No such file or directory")
        }
    }

    @Test("a failed exec names the file it tried to run")
    func execFailureNamesTheFile() throws {
        let directory = try TemporaryDirectory("spawn-exec")
        let script = directory.file("tool")
        let fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0o755)
        #expect(fd >= 0)
        _ = "#!/nonexistent-interpreter\n".withCString { write(fd, $0, strlen($0)) }
        close(fd)
        do {
            _ = try ChildProgram(["tool"], environment: ["PATH": directory.path])
            Issue.record("expected an exec failure")
        } catch let error as SpawnError {
            #expect(error.step == .exec)
            #expect(error.path == script)
            #expect(error.description == "tool: exec \(script) failed: No such file or directory")
        }
    }

    @Test("children start in their own process group with an empty mask and default dispositions")
    func processGroupAndSignals() async throws {
        // The test process catches SIGTERM (through the reaper's signal listener it catches SIGCHLD);
        // block SIGUSR1 on this thread too: neither may leak into the child.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR1)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        defer { pthread_sigmask(SIG_UNBLOCK, &blocked, nil) }
        let child = try ChildProgram(["/bin/sh", "-c", "grep -E '^Sig(Blk|Ign|Cgt)' /proc/self/status; cut -d' ' -f5 /proc/self/stat; echo $$"])
        #expect(await child.waitForExit() == .exited(0))
        #expect(child.lines.contains("SigBlk:\t0000000000000000"))
        #expect(child.lines.contains("SigCgt:\t0000000000000000") || child.lines.contains { $0.hasPrefix("SigCgt:") })
        #expect(child.lines.contains("SigIgn:\t0000000000000000"))
        // Field 5 of /proc/self/stat is the process group: the shell leads its own.
        let pgid = child.lines.dropLast().last, pid = child.lines.last
        #expect(pgid != nil && pgid == pid)
    }

    @Test("only stdio and requested descriptors are inherited")
    func descriptorHygiene() async throws {
        let leaked = open("/dev/null", O_RDONLY)  // deliberately NOT close-on-exec
        defer { close(leaked) }
        #expect(leaked > 2)
        var notify: [Int32] = [0, 0]
        #expect(pipe(&notify) == 0)
        defer { close(notify[0]) }
        let child = try ChildProgram(["/bin/sh", "-c", "ls /proc/self/fd; echo ready >&5"], extra: [5: notify[1]])
        close(notify[1])
        #expect(await child.waitForExit() == .exited(0))
        // ls itself opens one descriptor for the directory it lists.
        let listed = Set(child.lines.compactMap(Int32.init))
        #expect(listed.isSubset(of: [0, 1, 2, 3, 5]))
        #expect(!listed.contains(leaked) || leaked == 3)
        var byte = [UInt8](repeating: 0, count: 16)
        #expect(read(notify[0], &byte, 16) == 6)
    }

    @Test("user and group switching drops supplementary groups", .enabled(if: getuid() == 0, "needs root"))
    func credentials() async throws {
        let child = try ChildProgram(["/usr/bin/id"], environment: [:], credentials: (uid: 65534, gid: 65534))
        #expect(await child.waitForExit() == .exited(0))
        #expect(child.lines.first?.hasPrefix("uid=65534") == true)
        #expect(child.lines.first?.contains("groups=65534") == true)
        #expect(child.lines.first?.contains("groups=65534,") == false)
    }
}
