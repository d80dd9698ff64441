/// `log: { prefix, file, maxSize, keep }`: where a process's output goes besides the in-memory
/// buffer that `steward logs` reads.
///
/// - `prefix` (default true): each line on steward's stdout starts with `name | `.
/// - `file` (default none): also append the output to this file (relative to the config file's
///   directory), rotated when it would exceed `maxSize` (default `"10MB"`; `"512"`, `"64KB"`,
///   `"10MB"`, `"1GB"`, 1024-based, or a number of bytes), keeping `keep` old files (default 3).
public struct LogSettings: Sendable, Equatable {
    /// Whether stdout lines carry the `name | ` prefix.
    public var prefix: Bool
    /// The log file's path, if any.
    public var file: String?
    /// The size in bytes that triggers a rotation. Always positive.
    public var maxSize: Int
    /// How many rotated files to keep (0 = none).
    public var keep: Int

    /// The default ``maxSize``: 10 MiB.
    public static let defaultMaxSize = 10 * 1024 * 1024
    /// The default ``keep``: 3.
    public static let defaultKeep = 3

    /// Creates settings; every parameter has the default documented on its property.
    public init(prefix: Bool = true, file: String? = nil, maxSize: Int = defaultMaxSize, keep: Int = defaultKeep) {
        self.prefix = prefix
        self.file = file
        self.maxSize = maxSize
        self.keep = keep
    }
}
