/// The state shared while one config file is walked: the issues found so far, where keys are in the
/// source, and the directory relative paths are resolved against.
///
/// A class so that every ``ConfigNode`` handed down the tree reports into the same list; it lives
/// only for the duration of one ``SupervisorConfigLoader/parse(_:source:baseDirectory:)`` call.
final class ConfigDecodingSession {
    /// Every problem found so far, in discovery order.
    private(set) var issues: [ConfigIssue] = []
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
        let position = sourceMap.position(of: path)
        issues.append(ConfigIssue(path: path.description, message: message, line: position?.line, column: position?.column))
    }

    /// Records an issue whose position is already known.
    func report(_ message: String, at path: ConfigPath, position: SourcePosition?) {
        issues.append(ConfigIssue(path: path.description, message: message, line: position?.line, column: position?.column))
    }

    /// `path` resolved against ``baseDirectory`` when it is relative.
    func resolve(_ path: String) -> String {
        ConfigFiles.resolve(path, against: baseDirectory)
    }
}
