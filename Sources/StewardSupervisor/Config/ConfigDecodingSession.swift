/// The state shared while one config file is walked: the issues found so far, where keys are in the
/// source, and the directory relative paths are resolved against.
///
/// A class so that every ``ConfigNode`` handed down the tree reports into the same list; it lives
/// only for the duration of one ``SupervisorConfigLoader/parse(_:source:baseDirectory:)`` call.
final class ConfigDecodingSession {
    /// Every problem found so far, in discovery order, up to ``ConfigIssues/maximumReported``.
    private(set) var issues: [ConfigIssue] = []
    /// How many problems were found past ``ConfigIssues/maximumReported``.
    private(set) var omitted = 0
    /// Key positions in the source text.
    let sourceMap: JSON5SourceMap
    /// The config file's directory.
    let baseDirectory: String

    init(sourceMap: JSON5SourceMap, baseDirectory: String) {
        self.sourceMap = sourceMap
        self.baseDirectory = baseDirectory
    }

    /// Records `message` for `path`, with the line and column of the path's last key when the source
    /// map knows it (or of its closest ancestor otherwise).
    func report(_ message: String, at path: ConfigPath) {
        guard admitsAnother() else { return }
        append(message, at: path, position: sourceMap.position(of: path))
    }

    /// Records an issue whose position is already known.
    func report(_ message: String, at path: ConfigPath, position: SourcePosition?) {
        guard admitsAnother() else { return }
        append(message, at: path, position: position)
    }

    private func append(_ message: String, at path: ConfigPath, position: SourcePosition?) {
        issues.append(ConfigIssue(path: path.description, message: message, line: position?.line, column: position?.column))
    }

    /// The problems found, as thrown.
    var reported: ConfigIssues { ConfigIssues(issues, omitted: omitted) }

    /// Whether the list has room for one more problem; if not, counts it as omitted (and the
    /// caller skips even looking up its position).
    private func admitsAnother() -> Bool {
        guard issues.count >= ConfigIssues.maximumReported else { return true }
        omitted += 1
        return false
    }

    /// `path` resolved against ``baseDirectory`` when it is relative.
    func resolve(_ path: String) -> String {
        ConfigFiles.resolve(path, against: baseDirectory)
    }
}
