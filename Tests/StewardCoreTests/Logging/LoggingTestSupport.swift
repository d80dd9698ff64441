import Foundation
import Synchronization
@testable import StewardCore

/// Fixed values shared by the logging tests.
enum LoggingFixtures {
    /// 2026-11-22T13:25:36.123Z
    static let time = Date(timeIntervalSince1970: 1_795_353_936.123)

    static func record(
        level: LogLevel = .info,
        label: String = "web",
        message: String = "started",
        metadata: [String: String] = [:]
    ) -> LogRecord {
        LogRecord(time: time, level: level, label: label, message: message, metadata: metadata)
    }

    static func line(_ format: LogFormat, _ record: LogRecord) -> String {
        LogFormatter(format: format).format(record)
    }
}

/// Reads a file descriptor to end-of-file on a dedicated thread (not the cooperative pool, so
/// writers blocked on a full pipe can never starve the reader), then hands back all the bytes.
final class PipeDrain: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var finished = false
        var waiter: CheckedContinuation<[UInt8], Never>?
    }

    private let state = Mutex(State())

    /// Starts reading `descriptor`; closes it at end-of-file. `delayMicroseconds` pauses before
    /// each read, to make writers hit a full pipe.
    init(descriptor: Int32, chunkSize: Int = 65_536, delayMicroseconds: UInt32 = 0) {
        Thread.detachNewThread { [self] in
            var collected: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: chunkSize)
            while true {
                if delayMicroseconds > 0 { usleep(delayMicroseconds) }
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected.append(contentsOf: chunk[..<count])
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
            let waiter = state.withLock { state -> CheckedContinuation<[UInt8], Never>? in
                state.bytes = collected
                state.finished = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: collected)
        }
    }

    /// All bytes read, once the writing end has been closed.
    func bytes() async -> [UInt8] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [UInt8]? in
                if state.finished { return state.bytes }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Creates a pipe; returns (read end, write end), both close-on-exec from the start (`pipe2`, looked
/// up at run time because Glibc's module map does not export it), so child processes that other
/// tests start concurrently can never inherit the write end and hold the pipe open.
func makeLoggingTestPipe() -> (read: Int32, write: Int32) {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else {
        fatalError("pipe2 not available")
    }
    let pipe2 = unsafeBitCast(symbol, to: Pipe2.self)
    var fds: [Int32] = [-1, -1]
    let result = fds.withUnsafeMutableBufferPointer { pipe2($0.baseAddress!, O_CLOEXEC) }
    precondition(result == 0, "pipe2 failed: \(errno)")
    return (fds[0], fds[1])
}
