/// Turns a `LogRecord` into one line of text (no trailing newline) in a `LogFormat`.
///
/// Every format puts the whole record on a single line: line breaks and other control characters
/// in the message, label or metadata are escaped. Metadata is written sorted by key, so output is
/// deterministic. Times are UTC.
///
/// - `logfmt`: `time=2026-11-22T13:25:36.123Z level=info logger=web msg="started" pid=42`.
///   `msg` is always quoted; other values are quoted only when they are empty or contain a space,
///   `=`, `"`, `\` or a control character. Inside quotes `"` and `\` are backslash-escaped and
///   control characters become `\n`, `\r`, `\t` or `\u00XX`. Characters that cannot appear in a key
///   (space, `=`, `"`, control characters) are replaced by `_`.
/// - `json`: `{"time":"…","level":"info","logger":"web","msg":"started","pid":"42"}` — keys `time`,
///   `level`, `logger`, `msg` first, then the metadata keys sorted; all values are strings.
/// - `human`: `13:25:36.123 INFO  [web] started pid=42` — time of day, a five-column level, the
///   label in brackets, the message unquoted, then metadata as in logfmt.
///
/// In logfmt and JSON, a metadata key equal to one of the fixed keys (`time`, `level`, `logger`,
/// `msg`) is written as `meta.<key>` so it cannot be mistaken for (or duplicate) the fixed field.
public struct LogFormatter: Sendable {
    /// The format this formatter writes.
    public let format: LogFormat

    /// Creates a formatter writing `format`.
    public init(format: LogFormat) {
        self.format = format
    }

    /// Formats `record` as a single line, without a trailing newline.
    public func format(_ record: LogRecord) -> String {
        var line: [UInt8] = []
        append(record, to: &line)
        return String(decoding: line, as: UTF8.self)
    }

    /// Appends the formatted line for `record` to `buffer` (no newline), reserving room for the
    /// whole line plus `extraCapacity` bytes first so the buffer is allocated at most once.
    func append(_ record: LogRecord, to buffer: inout [UInt8], extraCapacity: Int = 0) {
        buffer.reserveCapacity(buffer.count + Self.estimatedLength(of: record) + extraCapacity)
        switch format.kind {
        case .logfmt: appendLogfmt(record, to: &buffer)
        case .json: appendJSON(record, to: &buffer)
        case .human: appendHuman(record, to: &buffer)
        }
    }

    // MARK: formats

    private func appendLogfmt(_ record: LogRecord, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "time=".utf8)
        LogTimestamp(record.time).appendRFC3339(to: &buffer)
        buffer.append(contentsOf: " level=".utf8)
        buffer.append(contentsOf: record.level.name.utf8)
        buffer.append(contentsOf: " logger=".utf8)
        LogTextEscaping.appendLogfmtValue(record.label, to: &buffer)
        buffer.append(contentsOf: " msg=".utf8)
        LogTextEscaping.appendLogfmtValue(record.message, alwaysQuote: true, to: &buffer)
        LogMetadataOrder.forEachSorted(record.metadata) { key, value in
            buffer.append(UInt8(ascii: " "))
            if Self.isFixedKey(key) { buffer.append(contentsOf: "meta.".utf8) }
            LogTextEscaping.appendLogfmtKey(key, to: &buffer)
            buffer.append(UInt8(ascii: "="))
            LogTextEscaping.appendLogfmtValue(value, to: &buffer)
        }
    }

    private func appendJSON(_ record: LogRecord, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"time":""#.utf8)
        LogTimestamp(record.time).appendRFC3339(to: &buffer)
        buffer.append(contentsOf: #"","level":""#.utf8)
        buffer.append(contentsOf: record.level.name.utf8)
        buffer.append(contentsOf: #"","logger":"#.utf8)
        LogTextEscaping.appendJSONString(record.label, to: &buffer)
        buffer.append(contentsOf: #","msg":"#.utf8)
        LogTextEscaping.appendJSONString(record.message, to: &buffer)
        LogMetadataOrder.forEachSorted(record.metadata) { key, value in
            buffer.append(UInt8(ascii: ","))
            if Self.isFixedKey(key) {
                LogTextEscaping.appendJSONString("meta." + key, to: &buffer)
            } else {
                LogTextEscaping.appendJSONString(key, to: &buffer)
            }
            buffer.append(UInt8(ascii: ":"))
            LogTextEscaping.appendJSONString(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    private func appendHuman(_ record: LogRecord, to buffer: inout [UInt8]) {
        LogTimestamp(record.time).appendTimeOfDay(to: &buffer)
        buffer.append(UInt8(ascii: " "))
        let level = record.level.shortUppercaseName.utf8
        buffer.append(contentsOf: level)
        for _ in level.count..<6 { buffer.append(UInt8(ascii: " ")) }
        buffer.append(UInt8(ascii: "["))
        LogTextEscaping.appendHumanText(record.label, to: &buffer)
        buffer.append(contentsOf: "] ".utf8)
        LogTextEscaping.appendHumanText(record.message, to: &buffer)
        LogMetadataOrder.forEachSorted(record.metadata) { key, value in
            buffer.append(UInt8(ascii: " "))
            LogTextEscaping.appendLogfmtKey(key, to: &buffer)
            buffer.append(UInt8(ascii: "="))
            LogTextEscaping.appendLogfmtValue(value, to: &buffer)
        }
    }

    // MARK: helpers

    /// Whether a metadata key collides with one of the fixed logfmt/JSON keys.
    private static func isFixedKey(_ key: String) -> Bool {
        switch key.utf8.count {
        case 3: key == "msg"
        case 4: key == "time"
        case 5: key == "level"
        case 6: key == "logger"
        default: false
        }
    }

    /// Bytes the line will need if nothing has to be escaped (escaping may grow it a little).
    static func estimatedLength(of record: LogRecord) -> Int {
        // Fixed fields: timestamp (24), level name (<= 8), keys, separators and quotes: at most 76
        // bytes (JSON) including the newline a sink adds.
        var length = 80 + record.label.utf8.count + record.message.utf8.count
        for (key, value) in record.metadata {
            length += key.utf8.count + value.utf8.count + 8
        }
        return length
    }
}
