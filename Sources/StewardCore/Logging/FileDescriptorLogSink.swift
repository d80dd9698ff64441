#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A sink that formats each record as one line and writes it to a file descriptor (standard output
/// by default).
///
/// Guarantees:
/// - Each record is written as a single `write(2)` of the complete line (text plus `"\n"`),
///   repeated only to finish a partial write or after `EINTR`; a non-blocking descriptor that
///   reports `EAGAIN` is waited on with `poll(2)`.
/// - Writes are serialised by a lock shared by every `FileDescriptorLogSink` on the same
///   descriptor number, so lines from concurrent callers (or from several sinks on one descriptor)
///   never interleave or tear.
/// - Write errors never trap or throw. After `EPIPE` (reader gone) or `EBADF` (descriptor closed)
///   the sink stops writing and drops every later record; other errors (such as `ENOSPC`) drop
///   only the current line. `SIGPIPE` raised by the sink's own write is blocked and discarded, so a
///   closed pipe does not kill the process even when `SIGPIPE` has its default disposition.
///
/// The sink does not own the descriptor: it never closes it.
public final class FileDescriptorLogSink: LogSink {
    /// The descriptor lines are written to.
    public let fileDescriptor: Int32
    /// The format of the lines.
    public let format: LogFormat

    private let formatter: LogFormatter
    private let lock: FileDescriptorWriteLock
    /// Set once the descriptor reported `EPIPE` or `EBADF`; later records are dropped unwritten.
    private let stopped = Atomic<Bool>(false)

    /// Creates a sink writing `format` lines to `fileDescriptor` (standard output by default).
    public init(fileDescriptor: Int32 = 1, format: LogFormat) {
        self.fileDescriptor = fileDescriptor
        self.format = format
        self.formatter = LogFormatter(format: format)
        self.lock = FileDescriptorWriteLock.lock(for: fileDescriptor)
        #if canImport(Darwin)
        _ = fcntl(fileDescriptor, F_SETNOSIGPIPE, 1)
        #endif
    }

    /// A shared sink writing to standard output (descriptor 1). With `format` `nil` the format is
    /// `LogFormat.automatic(isTerminal:)` for whether standard output is a terminal (`isatty(1)`).
    /// Returns the same instance for the same resulting format.
    public static func standardOutput(format: LogFormat? = nil) -> FileDescriptorLogSink {
        switch (format ?? automaticStandardOutputFormat).kind {
        case .logfmt: standardOutputLogfmt
        case .json: standardOutputJSON
        case .human: standardOutputHuman
        }
    }

    /// A new sink writing to standard error (descriptor 2). With `format` `nil` the format is
    /// `LogFormat.automatic(isTerminal:)` for whether standard error is a terminal (`isatty(2)`).
    public static func standardError(format: LogFormat? = nil) -> FileDescriptorLogSink {
        FileDescriptorLogSink(fileDescriptor: 2, format: format ?? .automatic(isTerminal: isatty(2) == 1))
    }

    /// The automatic format for standard output, decided once per process.
    static let automaticStandardOutputFormat = LogFormat.automatic(isTerminal: isatty(1) == 1)
    private static let standardOutputLogfmt = FileDescriptorLogSink(fileDescriptor: 1, format: .logfmt)
    private static let standardOutputJSON = FileDescriptorLogSink(fileDescriptor: 1, format: .json)
    private static let standardOutputHuman = FileDescriptorLogSink(fileDescriptor: 1, format: .human)

    /// Whether the sink has given up on its descriptor after `EPIPE` or `EBADF`.
    var hasStopped: Bool {
        stopped.load(ordering: .relaxed)
    }

    /// Formats `record` and writes it as one line. Never traps; see the type's documentation for
    /// how errors are handled.
    public func write(_ record: LogRecord) {
        if stopped.load(ordering: .relaxed) { return }
        var line: [UInt8] = []
        formatter.append(record, to: &line, extraCapacity: 1)
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { bytes in
            lock.mutex.withLock { _ in
                if stopped.load(ordering: .relaxed) { return }
                if !Self.writeAll(bytes, to: fileDescriptor) {
                    stopped.store(true, ordering: .relaxed)
                }
            }
        }
    }

    /// Writes all of `bytes`, retrying after `EINTR`, partial writes and `EAGAIN`. Returns `false`
    /// when the descriptor is unusable for good (`EPIPE`, `EBADF`).
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        #if canImport(Glibc) || canImport(Musl)
        // Block SIGPIPE for this thread while writing, so a closed pipe yields EPIPE instead of
        // killing the process; a SIGPIPE our write raised is then discarded before unblocking.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        let masked = pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask) == 0
        let alreadyBlocked = masked && sigismember(&previousMask, SIGPIPE) == 1
        defer {
            if masked { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        }
        #endif
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, base + offset, bytes.count - offset)
            if written > 0 {
                offset += written
                continue
            }
            if written == 0 { return true }  // No progress and no error: drop the rest.
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                if !waitUntilWritable(descriptor) { return true }
            case EPIPE:
                #if canImport(Glibc) || canImport(Musl)
                if masked && !alreadyBlocked { discardPendingSignal(pipeSignal) }
                #endif
                return false
            case EBADF:
                return false
            default:
                return true  // ENOSPC, EIO, ...: drop this line, try again with the next one.
            }
        }
        return true
    }

    /// Waits for `descriptor` to accept more data. Returns `false` if waiting failed.
    private static func waitUntilWritable(_ descriptor: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        while true {
            let ready = poll(&request, 1, -1)
            if ready >= 0 { return true }
            if errno != EINTR { return false }
        }
    }

    #if canImport(Glibc) || canImport(Musl)
    /// Consumes a pending (blocked) `SIGPIPE` directed at this thread, if there is one.
    private static func discardPendingSignal(_ signals: sigset_t) {
        var signals = signals
        var noWait = timespec(tv_sec: 0, tv_nsec: 0)
        while sigtimedwait(&signals, nil, &noWait) < 0 && errno == EINTR {}
    }
    #endif

    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, bytes, count)
        #elseif canImport(Musl)
        Musl.write(descriptor, bytes, count)
        #else
        Darwin.write(descriptor, bytes, count)
        #endif
    }
}

/// The lock serialising writes to one descriptor number. Locks are striped: every sink whose
/// descriptor has the same number modulo the stripe count shares one, so two sinks on the same
/// descriptor can never interleave their lines.
final class FileDescriptorWriteLock: Sendable {
    let mutex = Mutex(())

    private static let stripes: [FileDescriptorWriteLock] = (0..<16).map { _ in FileDescriptorWriteLock() }

    static func lock(for descriptor: Int32) -> FileDescriptorWriteLock {
        stripes[Int(UInt32(bitPattern: descriptor) % UInt32(stripes.count))]
    }
}
