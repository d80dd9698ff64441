/// A parsed `.env` file: `KEY=VALUE` lines, the format of Docker's `--env-file` and Compose's
/// `env_file`, with the quoting most users expect.
///
/// Syntax, one assignment per line:
/// - blank lines and lines starting with `#` are ignored; `export ` before a key is allowed;
/// - keys are `[A-Za-z_][A-Za-z0-9_.]*`;
/// - unquoted values are trimmed and end at ` #` (an inline comment);
/// - `"double quoted"` values understand `\n`, `\t`, `\"`, `\\` and `\$`;
/// - `'single quoted'` values are literal;
/// - a later assignment of the same key wins.
public struct DotEnvFile: Sendable, Equatable {
    /// A syntax error, naming the file, the 1-based line and the column; or, with line 0, a file
    /// that could not be read.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file's path (or the label given to ``DotEnvFile/parse(_:source:)``).
        public var source: String
        /// 1-based line number; 0 when the file could not be read.
        public var line: Int
        /// 1-based column of the problem.
        public var column: Int
        /// What is wrong.
        public var reason: String

        /// `FILE:LINE:COLUMN: reason`, or `cannot read FILE: reason` (line 0).
        public var description: String {
            line == 0 ? "cannot read \(source): \(reason)" : "\(source):\(line):\(column): \(reason)"
        }
    }

    /// The largest file ``load(path:)`` reads: 1 MiB, far above any real `.env` file. With the
    /// rule that only regular files are read (a device such as `/dev/zero` or a FIFO is refused
    /// before reading), it bounds the work and memory one `envFile` can cost.
    public static let maximumBytes = 1 << 20

    /// The assignments, in file order, each key once (the last assignment's value).
    public private(set) var entries: [(key: String, value: String)]

    /// The assignments as a dictionary.
    public var values: [String: String] { Dictionary(entries, uniquingKeysWith: { _, last in last }) }

    public static func == (lhs: DotEnvFile, rhs: DotEnvFile) -> Bool {
        lhs.entries.map(\.key) == rhs.entries.map(\.key) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    /// Reads and parses the regular file at `path`, of at most ``maximumBytes``.
    /// - Throws: ``SyntaxError``: line 0 when the file cannot be read (missing, not a regular
    ///   file, too large); the line and column of the first bad byte when it is not UTF-8.
    public static func load(path: String) throws(SyntaxError) -> DotEnvFile {
        let text: String
        do { text = try ConfigFileReading.read(atPath: path, limit: maximumBytes) } catch {
            if let position = error.position {
                throw SyntaxError(source: path, line: position.line, column: position.column, reason: error.description)
            }
            throw SyntaxError(source: path, line: 0, column: 0, reason: error.description)
        }
        return try parse(text, source: path)
    }

    /// Parses `.env` text; `source` names it in errors.
    /// - Throws: the first ``SyntaxError``.
    public static func parse(_ text: String, source: String = "<env>") throws(SyntaxError) -> DotEnvFile {
        var entries: [(key: String, value: String)] = []
        var index: [String: Int] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            var line = Array(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            func fail(_ column: Int, _ reason: String) -> SyntaxError {
                SyntaxError(source: source, line: lineNumber, column: column + 1, reason: reason)
            }
            var position = 0
            while position < line.count, line[position] == " " || line[position] == "\t" { position += 1 }
            if position == line.count || line[position] == "#" { continue }
            if line[position...].starts(with: "export ") { position += 7 }
            while position < line.count, line[position] == " " { position += 1 }
            let keyStart = position
            while position < line.count, line[position].isASCII,
                  line[position].isLetter || line[position].isNumber || line[position] == "_" || line[position] == "." {
                position += 1
            }
            let key = String(line[keyStart..<position])
            guard let first = key.first, first.isLetter || first == "_" else {
                throw fail(keyStart, "expected a variable name (letters, digits, \"_\", not starting with a digit)")
            }
            while position < line.count, line[position] == " " { position += 1 }
            guard position < line.count, line[position] == "=" else { throw fail(position, "expected \"=\" after \(key)") }
            position += 1
            while position < line.count, line[position] == " " || line[position] == "\t" { position += 1 }
            var value = ""
            if position < line.count, line[position] == "\"" || line[position] == "'" {
                let quote = line[position]
                let open = position
                position += 1
                var closed = false
                while position < line.count {
                    let character = line[position]
                    if character == quote { closed = true; position += 1; break }
                    if quote == "\"", character == "\\", position + 1 < line.count {
                        let escaped = line[position + 1]
                        switch escaped {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        case "\"", "\\", "$": value.append(escaped)
                        default: value.append("\\"); value.append(escaped)
                        }
                        position += 2
                        continue
                    }
                    value.append(character)
                    position += 1
                }
                guard closed else { throw fail(open, "unterminated \(quote == "\"" ? "double" : "single")-quoted value") }
                while position < line.count, line[position] == " " || line[position] == "\t" { position += 1 }
                guard position == line.count || line[position] == "#" else {
                    throw fail(position, "unexpected text after the closing quote")
                }
            } else {
                var end = line.count
                for i in position..<line.count where line[i] == "#" && i > position && (line[i - 1] == " " || line[i - 1] == "\t") {
                    end = i
                    break
                }
                line = Array(line[position..<end])
                while let last = line.last, last == " " || last == "\t" { line.removeLast() }
                value = String(line)
            }
            if let existing = index[key] {
                entries[existing].value = value
            } else {
                index[key] = entries.count
                entries.append((key, value))
            }
        }
        return DotEnvFile(entries: entries)
    }
}
