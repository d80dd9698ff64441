import CStewardSystem
import StewardProcesses
#if canImport(Glibc)
import Glibc
#endif

/// A failure raised by test support code.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A real child process started through the ``Reaper`` (the one place that calls `waitpid`, in
/// tests as in production), its stdout (and stderr) piped back. Reads poll the pipe against a
/// deadline, suspending (never blocking a thread) while it is empty.
public final class ChildProgram {
    public let handle: ChildProcessHandle
    public var pid: Int32 { handle.pid }
    private let output: Int32
    private var buffer: [UInt8] = []
    public private(set) var lines: [String] = []
    private var reachedEnd = false

    /// The directory of the test binary, where SwiftPM also puts the package's executables.
    public static var buildDirectory: String {
        var path = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &path, path.count - 1)
        let exe = String(decoding: path[0..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var parts = exe.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/")
    }

    /// This process's environment.
    public static var currentEnvironment: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// This process's environment with a control socket of its own (`STEWARD_SOCKET` under /tmp)
    /// and `extra` on top: a `steward run` whose config names no socket would otherwise take the
    /// default one, and a second steward on a taken socket refuses to start.
    public static func isolatedEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = currentEnvironment
        environment["STEWARD_SOCKET"] = "/tmp/steward-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        environment.merge(extra) { $1 }
        return environment
    }

    /// Starts `arguments` with stdout and stderr on one pipe; `extra` descriptors are added.
    public init(_ arguments: [String], environment: [String: String]? = nil, workingDirectory: String? = nil,
                credentials: (uid: UInt32, gid: UInt32)? = nil, grouping: SpawnRequest.Grouping = .processGroup,
                extra: [Int32: Int32] = [:]) throws {
        var fds: [Int32] = [0, 0]
        guard steward_pipe_cloexec(&fds) == 0 else { throw TestSupportError("pipe2 failed: \(errno)") }
        defer { close(fds[1]) }
        var descriptors = extra
        descriptors[1] = fds[1]
        descriptors[2] = fds[1]
        let request = SpawnRequest(arguments: arguments, environment: environment ?? Self.currentEnvironment,
                                   workingDirectory: workingDirectory, credentials: credentials, grouping: grouping,
                                   descriptors: descriptors)
        do {
            handle = try Reaper.shared.spawn(request)
        } catch {
            close(fds[0])
            throw error
        }
        output = fds[0]
    }

    deinit {
        if handle.exitStatus == nil { kill(handle.pid, SIGKILL) }
        close(output)
    }

    public func signal(_ number: Int32) { kill(handle.pid, number) }

    /// Reads until a line equal to `line` arrives; false after `seconds` or at end of output.
    @discardableResult
    public func waitForLine(_ line: String, seconds: Int64 = 20) async -> Bool {
        await waitUntil(seconds: seconds) { $0.contains(line) }
    }

    /// Reads until `condition` holds for the lines so far; false after `seconds` or at end of output.
    /// Never blocks the calling thread: the tests run on Swift's cooperative pool, whose few
    /// threads (two on a 2-core machine) every other test needs meanwhile.
    public func waitUntil(seconds: Int64 = 20, _ condition: ([String]) -> Bool) async -> Bool {
        if condition(lines) { return true }
        let deadline = Self.monotonicMilliseconds() + seconds * 1000
        while Self.monotonicMilliseconds() < deadline {
            switch readAvailable() {
            case .data: if condition(lines) { return true }
            case .end: return condition(lines)
            case .nothing: try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return condition(lines)
    }

    /// Reads to end of output, then waits for the reaper's status; `nil` if not exited in time
    /// (then the child is killed).
    public func waitForExit(seconds: Int64 = 20) async -> ExitStatus? {
        let deadline = Self.monotonicMilliseconds() + seconds * 1000
        reading: while Self.monotonicMilliseconds() < deadline {
            switch readAvailable() {
            case .data: continue
            case .end: break reading
            case .nothing: try? await Task.sleep(for: .milliseconds(5))
            }
        }
        let handle = self.handle
        let reaped = Task { await handle.waitForExit() }
        let graceMilliseconds = max(0, deadline - Self.monotonicMilliseconds()) + 1000
        let watchdog = Task {
            try await Task.sleep(for: .milliseconds(graceMilliseconds))
            reaped.cancel()
        }
        let status = await reaped.value
        watchdog.cancel()
        if status == nil { kill(handle.pid, SIGKILL) }
        return status
    }

    private enum ReadOutcome { case data, nothing, end }

    /// Reads what the pipe holds now, without waiting.
    private func readAvailable() -> ReadOutcome {
        guard !reachedEnd else { return .end }
        var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        if ready <= 0 { return .nothing }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(output, &chunk, chunk.count)
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return .nothing }
        guard count > 0 else { reachedEnd = true; return .end }
        buffer += chunk[0..<count]
        while let newline = buffer.firstIndex(of: 10) {
            lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
            buffer.removeSubrange(...newline)
        }
        return .data
    }

    public static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
