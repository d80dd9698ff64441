import StewardCore

/// One problem in a config file: where it is (a key path and, when known, a line and column) and
/// what is wrong.
///
/// ```
/// processes.web.ready.http: not a URL ("htp:/x") (line 12, column 16)
/// ```
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key path of the offending value, such as `"processes.web.ready.http"`; array elements
    /// appear as `command[1]`. Empty for problems with the whole file (syntax errors, unreadable
    /// file).
    public var path: String
    /// What is wrong, such as `not a URL ("htp:/x")`.
    public var message: String
    /// 1-based line in the config file, when known.
    public var line: Int?
    /// 1-based column (in Unicode scalars) in the config file, when known.
    public var column: Int?

    /// Creates an issue.
    public init(path: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
        self.column = column
    }

    /// `path: message`, followed by ` (line L, column C)` when the position is known; just the
    /// message when the path is empty. Control characters (which keys and messages may carry
    /// from the config) are escaped (`\n`, `\u{1B}`), so the text is always one safe line.
    public var description: String {
        var text = ControlCharacterEscaping.escaped(path.isEmpty ? message : "\(path): \(message)")
        if let line, let column {
            text += " (line \(line), column \(column))"
        } else if let line {
            text += " (line \(line))"
        }
        return text
    }
}

/// Every problem found in a config file, reported together.
///
/// Loading never stops at the first problem: `steward check` prints all of them at once, up to
/// ``maximumReported``; past that they are only counted (``omitted``), so that a file of a
/// million bad keys costs a bounded report rather than a flood.
public struct ConfigIssues: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, sorted by ``ConfigIssue/path`` (problems at the same path keep the order in
    /// which they were found). Never empty when thrown by ``SupervisorConfigLoader``.
    public var issues: [ConfigIssue]
    /// How many more problems were found and not kept.
    public var omitted: Int

    /// The most problems kept: 100, the first ones found.
    public static let maximumReported = 100

    /// Creates the list, sorting `issues` by path (stable for equal paths).
    public init(_ issues: [ConfigIssue], omitted: Int = 0) {
        self.issues = issues.enumerated()
            .sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }
            .map(\.element)
        self.omitted = omitted
    }

    /// Every problem found: those kept and those omitted.
    public var count: Int { issues.count + omitted }

    /// One issue per line, in order, then `… and N more problem(s)` when some were omitted.
    public var description: String {
        (issues.map(\.description) + (omitted > 0 ? [omittedNote] : [])).joined(separator: "\n")
    }

    /// `… and N more problem(s)`.
    public var omittedNote: String { "… and \(omitted) more problem(s)" }
}
