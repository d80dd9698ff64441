#if canImport(Glibc)
import Glibc
#endif
import CStewardSystem
import Testing

/// A real child process started with `posix_spawn` (never `Foundation.Process`), its stdout piped
/// back to the test. Reads wait with `poll(2)` against a deadline; nothing sleeps.
final class ChildProgram {
    let pid: pid_t
    private let output: Int32
    private var buffer: [UInt8] = []
    private(set) var lines: [String] = []
    private var exitStatus: Int32?

    /// The directory of the test binary, where SwiftPM also puts the package's executables.
    static var buildDirectory: String {
        var path = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &path, path.count - 1)
        let exe = String(decoding: path[0..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var parts = exe.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/")
    }

    init(_ executable: String, _ arguments: [String]) throws {
        var fds: [Int32] = [0, 0]
        guard steward_pipe_cloexec(&fds) == 0 else { throw TestFailure("pipe2 failed: \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); throw TestFailure("posix_spawn \(executable) failed: \(rc)") }
        pid = child
        output = fds[0]
    }

    deinit {
        if exitStatus == nil { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        close(output)
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Reads until a line equal to `line` arrives; fails the test after `seconds`.
    @discardableResult
    func waitForLine(_ line: String, seconds: Int32 = 20) -> Bool {
        if lines.contains(line) { return true }
        let deadline = monotonicMilliseconds() + Int64(seconds) * 1000
        while monotonicMilliseconds() < deadline {
            guard readSome(until: deadline) else { break }
            if lines.contains(line) { return true }
        }
        Issue.record("timed out waiting for \"\(line)\"; got \(lines)")
        return false
    }

    /// Reads to end of output and reaps the child; returns its exit code (128+n if killed by n).
    func waitForExit(seconds: Int32 = 20) -> Int32 {
        let deadline = monotonicMilliseconds() + Int64(seconds) * 1000
        while readSome(until: deadline) {}
        var status: Int32 = 0
        if monotonicMilliseconds() >= deadline {
            Issue.record("child \(pid) did not exit in time; output: \(lines)")
            kill(pid, SIGKILL)
        }
        waitpid(pid, &status, 0)
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exitStatus = code
        return code
    }

    /// Returns false at end of file or deadline.
    private func readSome(until deadline: Int64) -> Bool {
        var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        let remaining = max(0, deadline - monotonicMilliseconds())
        guard poll(&descriptor, 1, Int32(min(remaining, 1000))) >= 0 else { return errno == EINTR }
        if descriptor.revents == 0 { return monotonicMilliseconds() < deadline }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(output, &chunk, chunk.count)
        guard count > 0 else { return false }
        buffer += chunk[0..<count]
        while let newline = buffer.firstIndex(of: 10) {
            lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
            buffer.removeSubrange(...newline)
        }
        return true
    }

    private func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
