#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The value code logs through: a label, a minimum level, metadata attached to every record, and a
/// sink. A plain struct that is cheap to copy; derive specialised loggers with `with(_:)` and
/// `labeled(_:)` instead of sharing mutable state.
///
/// Records below `level` cost only a comparison: the message and metadata autoclosures are not
/// evaluated and nothing is allocated. Records at or above `level` get the logger's metadata
/// merged with the call's (the call's keys win), the time from `now`, and go to `sink`.
///
/// ```swift
/// let log = Logger(label: "web", level: .debug).with(["pid": "42"])
/// log.info("started", metadata: ["port": "8080"])
/// ```
public struct Logger: Sendable {
    /// Identifies the source of records (usually a component's name); written as `logger`.
    public var label: String
    /// The minimum level written; records below it are discarded without being built.
    public var level: LogLevel
    /// Key/value pairs attached to every record this logger writes.
    public var metadata: [String: String]
    /// Where records go.
    public let sink: any LogSink
    /// The wall clock used to stamp records.
    let now: @Sendable () -> Date

    /// Creates a logger.
    /// - Parameters:
    ///   - label: the `logger` field of every record.
    ///   - sink: where records go; standard output in the automatic format by default.
    ///   - level: the minimum level written (`.info` by default).
    ///   - metadata: pairs attached to every record.
    ///   - now: the clock stamping records; inject a fixed one for deterministic tests.
    public init(
        label: String,
        sink: any LogSink = FileDescriptorLogSink.standardOutput(),
        level: LogLevel = .info,
        metadata: [String: String] = [:],
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.label = label
        self.sink = sink
        self.level = level
        self.metadata = metadata
        self.now = now
    }

    /// Reads or sets one metadata value of this logger (`nil` removes the key).
    public subscript(metadataKey key: String) -> String? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// A copy of this logger with `metadata` merged into its own; on equal keys the new value wins.
    public func with(_ metadata: [String: String]) -> Logger {
        var copy = self
        if copy.metadata.isEmpty {
            copy.metadata = metadata
        } else if !metadata.isEmpty {
            copy.metadata.merge(metadata) { _, new in new }
        }
        return copy
    }

    /// A copy of this logger with a different label (same sink, level and metadata).
    public func labeled(_ label: String) -> Logger {
        var copy = self
        copy.label = label
        return copy
    }

    /// Whether a record at `level` would be written (for guarding expensive preparation that does
    /// not fit in the message autoclosure).
    public func isEnabled(_ level: LogLevel) -> Bool {
        level >= self.level
    }

    /// Writes a record at `level` if `level >= self.level`. Otherwise returns immediately without
    /// evaluating `message` or `metadata`. The call's metadata is merged over the logger's.
    public func log(
        _ level: LogLevel,
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> [String: String] = [:]
    ) {
        guard level >= self.level else { return }
        let extra = metadata()
        let merged: [String: String]
        if extra.isEmpty {
            merged = self.metadata
        } else if self.metadata.isEmpty {
            merged = extra
        } else {
            merged = self.metadata.merging(extra) { _, new in new }
        }
        sink.write(LogRecord(time: now(), level: level, label: label, message: message(), metadata: merged))
    }

    /// Writes a `.trace` record; see `log(_:_:metadata:)`.
    public func trace(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.trace, message(), metadata: metadata())
    }

    /// Writes a `.debug` record; see `log(_:_:metadata:)`.
    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.debug, message(), metadata: metadata())
    }

    /// Writes an `.info` record; see `log(_:_:metadata:)`.
    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.info, message(), metadata: metadata())
    }

    /// Writes a `.notice` record; see `log(_:_:metadata:)`.
    public func notice(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.notice, message(), metadata: metadata())
    }

    /// Writes a `.warning` record; see `log(_:_:metadata:)`.
    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.warning, message(), metadata: metadata())
    }

    /// Writes an `.error` record; see `log(_:_:metadata:)`.
    public func error(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.error, message(), metadata: metadata())
    }

    /// Writes a `.critical` record; see `log(_:_:metadata:)`.
    public func critical(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.critical, message(), metadata: metadata())
    }
}
