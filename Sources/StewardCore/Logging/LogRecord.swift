#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One log record: what a `Logger` hands to its `LogSink`.
///
/// `metadata` already contains the logger's own metadata merged with the call's (the call's keys
/// win). Values are plain strings; formatters take care of quoting and escaping them.
public struct LogRecord: Sendable {
    /// Wall-clock time at which the record was made.
    public var time: Date
    /// Severity of the record.
    public var level: LogLevel
    /// Label of the logger that made the record (usually the component's name).
    public var label: String
    /// The message text. May contain any characters; formatters escape as needed.
    public var message: String
    /// Key/value pairs attached to the record. Formatters write them sorted by key.
    public var metadata: [String: String]

    /// Creates a record.
    public init(time: Date, level: LogLevel, label: String, message: String, metadata: [String: String] = [:]) {
        self.time = time
        self.level = level
        self.label = label
        self.message = message
        self.metadata = metadata
    }
}
