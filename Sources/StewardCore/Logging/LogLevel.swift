/// The severity of a log record, ordered from least to most severe:
/// `trace < debug < info < notice < warning < error < critical`.
///
/// A `Logger` drops every record whose level is below its own `level`. The type is a struct wrapping
/// a private enumeration so that levels can be added later without breaking exhaustive `switch`es in
/// client code; compare levels with `<`/`>=` rather than switching over them.
public struct LogLevel: Sendable, Hashable, Comparable, CustomStringConvertible, CaseIterable {
    /// Declaration order is severity order; raw values are only used for comparison.
    enum Value: UInt8, Sendable, Hashable {
        case trace, debug, info, notice, warning, error, critical
    }

    let value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Very fine-grained diagnostics, usually only enabled while chasing a specific problem.
    public static let trace = LogLevel(.trace)
    /// Diagnostics useful to a developer of the program.
    public static let debug = LogLevel(.debug)
    /// Normal operational events (the default threshold of a `Logger`).
    public static let info = LogLevel(.info)
    /// Normal but significant events an operator may want to see.
    public static let notice = LogLevel(.notice)
    /// Something unexpected happened that the program handled or worked around.
    public static let warning = LogLevel(.warning)
    /// An operation failed.
    public static let error = LogLevel(.error)
    /// A failure that threatens the whole program.
    public static let critical = LogLevel(.critical)

    /// Every level, least severe first.
    public static let allCases: [LogLevel] = [.trace, .debug, .info, .notice, .warning, .error, .critical]

    /// Parses a level name case-insensitively: `trace`, `debug`, `info`, `notice`, `warning`, `error`,
    /// `critical`; `warn` is accepted as an alias of `warning`. Leading and trailing ASCII whitespace
    /// is ignored. Returns `nil` for anything else.
    public init?(_ text: String) {
        switch logLowercasedTrimmedASCII(text) {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "notice": self = .notice
        case "warning", "warn": self = .warning
        case "error": self = .error
        case "critical": self = .critical
        default: return nil
        }
    }

    /// The lowercase name of the level (`"info"`, `"warning"`, ...), as written in logfmt and JSON
    /// output and as accepted by `init?(_:)`.
    public var name: String {
        switch value {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    /// An uppercase label of at most five characters used by the human format so columns line up
    /// (`TRACE`, `DEBUG`, `INFO`, `NOTE`, `WARN`, `ERROR`, `CRIT`).
    var shortUppercaseName: String {
        switch value {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTE"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "CRIT"
        }
    }

    /// The same as `name`.
    public var description: String { name }

    /// `true` when `lhs` is less severe than `rhs`.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.value.rawValue < rhs.value.rawValue
    }
}

/// Lowercases ASCII letters and trims ASCII whitespace; non-ASCII bytes are kept as they are. Used
/// when parsing level and format names, which are ASCII.
func logLowercasedTrimmedASCII(_ text: String) -> String {
    var bytes = Array(text.utf8)
    while let last = bytes.last, last == 0x20 || (0x09...0x0D).contains(last) { bytes.removeLast() }
    var start = 0
    while start < bytes.count, bytes[start] == 0x20 || (0x09...0x0D).contains(bytes[start]) { start += 1 }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count - start)
    for byte in bytes[start...] {
        result.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
    }
    return String(decoding: result, as: UTF8.self)
}
