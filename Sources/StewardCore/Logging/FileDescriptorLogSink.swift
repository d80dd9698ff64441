#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A sink that formats each record as one line and hands it to the ``OutputQueue`` of a file
/// descriptor (standard output by default), whose own thread writes it.
///
/// Guarantees:
/// - ``write(_:)`` never blocks on the descriptor: a reader that stops draining (a full pipe, a
///   terminal paused with Ctrl-S) costs memory up to the queue's capacity, then dropped lines,
///   counted, and a note record once the descriptor drains again — never a stalled caller.
/// - Each record is one complete line (text plus `"\n"`); every sink on descriptor 1 (or 2)
///   shares one queue, so lines never interleave or tear, and keep the order they were written in.
/// - Write errors never trap or throw. After `EPIPE` (reader gone) or `EBADF` (descriptor closed)
///   the sink stops writing and drops every later record; other errors (such as `ENOSPC`) drop
///   only the lines of that write. A closed pipe raises no `SIGPIPE` that could kill the process:
///   the writer thread blocks every signal.
///
/// The sink does not own the descriptor: it never closes it. Call ``flush(timeout:)`` before
/// closing it yourself.
public final class FileDescriptorLogSink: LogSink {
    /// The descriptor lines are written to.
    public let fileDescriptor: Int32
    /// The format of the lines.
    public let format: LogFormat
    /// The queue the lines go through (shared by every writer of descriptors 1 and 2).
    public let queue: OutputQueue

    private let formatter: LogFormatter

    /// Creates a sink writing `format` lines to `fileDescriptor` (standard output by default).
    /// Descriptors 1 and 2 use the process's shared queue; any other gets a queue of its own with
    /// room for `capacity` bytes.
    public init(fileDescriptor: Int32 = 1, format: LogFormat, capacity: Int = 1 << 20) {
        self.fileDescriptor = fileDescriptor
        self.format = format
        let formatter = LogFormatter(format: format)
        self.formatter = formatter
        queue = OutputQueue.standard(fileDescriptor) ?? OutputQueue(descriptor: fileDescriptor, capacity: capacity)
        queue.setNote { count in
            var line: [UInt8] = []
            formatter.append(LogRecord(time: Date(), level: .warning, label: "steward",
                                       message: "\(count) log line(s) dropped: the output was not being read fast enough",
                                       metadata: ["dropped": "\(count)"]), to: &line, extraCapacity: 1)
            line.append(UInt8(ascii: "\n"))
            return line
        }
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
    public var hasStopped: Bool { queue.hasStopped }

    /// Waits until every record written so far has reached the descriptor (or was dropped), at
    /// most `timeout`. Returns whether it did.
    @discardableResult
    public func flush(timeout: Duration = .seconds(5)) -> Bool { queue.flush(timeout: timeout) }

    /// Formats `record` and queues it as one line. Never blocks; see the type's documentation.
    public func write(_ record: LogRecord) {
        var line: [UInt8] = []
        formatter.append(record, to: &line, extraCapacity: 1)
        line.append(UInt8(ascii: "\n"))
        queue.enqueue(line)
    }
}
