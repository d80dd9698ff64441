import StewardProcesses
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the fault suite: each test there injects one fault a PID 1 meets in
/// production into a real `steward`, with real children, pipes and signals.
enum Fault {
    /// The `steward` binary SwiftPM built next to the tests.
    static let steward = ChildProgram.buildDirectory + "/steward"

    /// Writes `text` to `path`.
    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestSupportError("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw TestSupportError("short write to \(path)")
        }
    }

    /// `steward status` against the steward on `socket`: its lines, once it exited 0 (a failure
    /// is recorded otherwise).
    static func status(socket: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        let status = try ChildProgram([steward, "status", "--socket", socket])
        #expect(await status.waitForExit() == .exited(0), "\(status.lines)", sourceLocation: sourceLocation)
        return status.lines
    }

    /// The pid a child wrote to `path` (as `echo $$ > path`), once it is there.
    static func pid(in path: String, seconds: Int64 = 20) async -> Int32? {
        var found: Int32?
        _ = await eventually(seconds: seconds) {
            guard let text = try? String(contentsOfProcFile: path),
                  let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
            found = value
            return true
        }
        return found
    }

    /// Whether a process with `pid` exists (a zombie counts).
    static func exists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// The exit status of `handle` within `seconds`, without reading the child's output (which a
    /// fault test may want to leave undrained); `nil` if it has not exited by then.
    static func exitStatus(_ handle: ChildProcessHandle, seconds: Int64) async -> StewardProcesses.ExitStatus? {
        let waiter = Task { await handle.waitForExit() }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(seconds))
            waiter.cancel()
        }
        let status = await waiter.value
        watchdog.cancel()
        return status
    }
}
