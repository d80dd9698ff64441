#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

/// Where a run-log line came from. A struct wrapping a private enum; the journal stores ``name``.
public struct RunLogSource: Sendable, Hashable, CustomStringConvertible {
    enum Value: String, Hashable { case job, stdout, stderr, system }
    let value: Value

    /// Written by the job through ``JobContext/log(_:_:)``.
    public static let job = RunLogSource(value: .job)
    /// A line of a command's standard output.
    public static let stdout = RunLogSource(value: .stdout)
    /// A line of a command's standard error.
    public static let stderr = RunLogSource(value: .stderr)
    /// Written by the scheduler or the store (a stop request, a truncation marker).
    public static let system = RunLogSource(value: .system)

    private init(value: Value) { self.value = value }

    /// Parses a stored ``name``.
    public init?(name: String) {
        guard let value = Value(rawValue: name) else { return nil }
        self.value = value
    }

    /// `job`, `stdout`, `stderr` or `system`.
    public var name: String { value.rawValue }
    /// The same as ``name``.
    public var description: String { name }
}

/// One line of a run's log as written: the text is kept byte-exact (brackets, embedded newlines,
/// any Unicode) — nothing is escaped or split.
public struct RunLogEntry: Sendable, Hashable {
    /// When it was written.
    public var time: Date
    /// Its severity (command output is `info`).
    public var level: LogLevel
    /// Who wrote it.
    public var source: RunLogSource
    /// The text.
    public var text: String

    /// Creates an entry.
    public init(time: Date, level: LogLevel = .info, source: RunLogSource = .job, text: String) {
        self.time = time
        self.level = level
        self.source = source
        self.text = text
    }
}

/// A stored log line: its position in the run's log and the entry. Reads forward to the entry
/// (`line.text`, `line.level`).
@dynamicMemberLookup
public struct RunLogLine: Sendable, Hashable {
    /// The 0-based position of the line in its run's log; pass `offset + 1` to read on after it.
    public var offset: Int
    /// The line.
    public var entry: RunLogEntry

    /// Creates a line.
    public init(offset: Int, entry: RunLogEntry) {
        self.offset = offset
        self.entry = entry
    }

    /// A member of ``entry``.
    public subscript<Value>(dynamicMember keyPath: KeyPath<RunLogEntry, Value>) -> Value {
        entry[keyPath: keyPath]
    }
}

/// A slice of a run's log, as returned by ``RunStore/readLog(_:from:limit:)``.
public struct RunLogPage: Sendable, Hashable {
    /// The lines read, in order.
    public var lines: [RunLogLine]
    /// Where to read next (the offset after the last line returned).
    public var nextOffset: Int
    /// Whether the run is final and no line exists at or after ``nextOffset``: following is done.
    public var isComplete: Bool

    /// Creates a page.
    public init(lines: [RunLogLine], nextOffset: Int, isComplete: Bool) {
        self.lines = lines
        self.nextOffset = nextOffset
        self.isComplete = isComplete
    }
}
