extension Logger {
    /// Builds a logger writing to standard output from environment settings:
    /// - `<PREFIX>_LOG_LEVEL`: `trace`, `debug`, `info`, `notice`, `warning` (or `warn`), `error`,
    ///   `critical`, case-insensitive. Default `info`.
    /// - `<PREFIX>_LOG_FORMAT`: `logfmt`, `json` or `human`, case-insensitive. Default
    ///   `LogFormat.automatic(isTerminal:)` for standard output (human on a terminal, else logfmt).
    ///
    /// With an empty `prefix` the variables are `LOG_LEVEL` and `LOG_FORMAT`; a trailing `_` on the
    /// prefix is not doubled. Unset or empty (all-whitespace) variables select the default silently.
    /// An unrecognised value selects the default in the returned logger, and is described in
    /// `problems` (one sentence per bad variable, naming the variable, the value and the
    /// fallback): the caller must not ignore it — `LifecycleOptions` makes it a config error of the
    /// run, the `steward` program refuses to start (exit 78). Never traps.
    ///
    /// - Parameters:
    ///   - label: the logger's label.
    ///   - prefix: the variable-name prefix, e.g. `"STEWARD"`.
    ///   - environment: the variables to read, e.g. `ProcessInfo.processInfo.environment`.
    /// - Returns: the logger, and the problems found (empty when all settings were valid or unset).
    public static func fromEnvironment(
        label: String,
        prefix: String,
        environment: [String: String]
    ) -> (logger: Logger, problems: [String]) {
        let stem = prefix.isEmpty || prefix.hasSuffix("_") ? prefix : prefix + "_"
        let levelVariable = stem + "LOG_LEVEL"
        let formatVariable = stem + "LOG_FORMAT"
        var problems: [String] = []

        var level = LogLevel.info
        if let text = setting(environment[levelVariable]) {
            if let parsed = LogLevel(text) {
                level = parsed
            } else {
                let names = LogLevel.allCases.map(\.name).joined(separator: ", ")
                problems.append(
                    "\(levelVariable)=\(quoted(text)) is not a log level (expected one of \(names)); using \(level.name)"
                )
            }
        }

        var format: LogFormat? = nil
        if let text = setting(environment[formatVariable]) {
            if let parsed = LogFormat(text) {
                format = parsed
            } else {
                let fallback = FileDescriptorLogSink.automaticStandardOutputFormat
                problems.append(
                    "\(formatVariable)=\(quoted(text)) is not a log format (expected logfmt, json or human); using \(fallback.name)"
                )
            }
        }

        let logger = Logger(label: label, sink: FileDescriptorLogSink.standardOutput(format: format), level: level)
        return (logger, problems)
    }

    /// The variable's value, or `nil` when it is unset or only whitespace.
    private static func setting(_ value: String?) -> String? {
        guard let value, !logLowercasedTrimmedASCII(value).isEmpty else { return nil }
        return value
    }

    /// `text` in double quotes with control characters escaped, for problem messages.
    private static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        LogTextEscaping.appendJSONString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
