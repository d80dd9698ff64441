/// The text format a `LogFormatter` writes: `logfmt`, `json` or `human`.
///
/// A struct wrapping a private enumeration so formats can be added later; compare with `==`.
/// - `logfmt`: `time=… level=info logger=… msg="…" key=value`, for log collectors and `grep`.
/// - `json`: one JSON object per line, for log pipelines.
/// - `human`: `13:25:36.123 INFO  [label] message key=value`, for people at a terminal.
public struct LogFormat: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case logfmt, json, human
    }

    let kind: Kind

    init(_ kind: Kind) {
        self.kind = kind
    }

    /// `key=value` pairs on one line (see https://brandur.org/logfmt).
    public static let logfmt = LogFormat(.logfmt)
    /// One JSON object per line.
    public static let json = LogFormat(.json)
    /// Compact, aligned text meant to be read on a terminal.
    public static let human = LogFormat(.human)

    /// The format to use when nothing was configured: `human` when the output is a terminal,
    /// `logfmt` otherwise (a pipe, a file, a log collector).
    public static func automatic(isTerminal: Bool) -> LogFormat {
        isTerminal ? .human : .logfmt
    }

    /// Parses `"logfmt"`, `"json"` or `"human"`, case-insensitively, ignoring surrounding ASCII
    /// whitespace. Returns `nil` for anything else.
    public init?(_ text: String) {
        switch logLowercasedTrimmedASCII(text) {
        case "logfmt": self = .logfmt
        case "json": self = .json
        case "human": self = .human
        default: return nil
        }
    }

    /// The format's name as accepted by `init?(_:)`: `"logfmt"`, `"json"` or `"human"`.
    public var name: String {
        switch kind {
        case .logfmt: "logfmt"
        case .json: "json"
        case .human: "human"
        }
    }

    /// The same as `name`.
    public var description: String { name }
}
