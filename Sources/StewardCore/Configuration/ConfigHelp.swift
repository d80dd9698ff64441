/// Renders `--help` text documenting the environment variables of several configuration types.
///
/// Each section starts with its title, then one line per field (in decoding order) with aligned
/// columns: the variable, its type, `required` / `default: VALUE` / `optional` (followed by
/// `, secret` for secret fields) and the help text. Secret defaults are shown as `"******"`.
/// A closing note explains the `NAME_FILE` alternative:
///
/// ```text
/// Server:
///   APP_HTTP_PORT     Int       default: 8080     Port to listen on.
///   APP_DATABASE_URL  URL       required          Database connection URL.
///   APP_PASSWORD      String    required, secret  Database password.
///
/// Any variable NAME may instead be read from a file: set NAME_FILE to the file's path.
/// ```
public enum ConfigHelp {
    /// One documented configuration type: a title, the prefix its variables use, and its fields
    /// (discovered when the section is created, see ``EnvironmentLoader/describe(_:)``).
    public struct Section: Sendable {
        /// The heading of the section.
        public var title: String
        /// The variable-name prefix the type is loaded with.
        public var prefix: String
        /// The documented fields, in decoding order.
        public var fields: [ConfigFieldDescription]

        /// Documents `type` loaded with `prefix` under the heading `title`.
        public init<T: EnvironmentConfig>(title: String, prefix: String, type: T.Type) {
            self.title = title
            self.prefix = prefix
            self.fields = EnvironmentFieldDiscovery.describe(type, prefix: prefix)
        }
    }

    /// The help text for `sections`, sections separated by blank lines, ending with a newline.
    public static func render(_ sections: [Section]) -> String {
        var blocks = sections.map(renderSection)
        blocks.append("Any variable NAME may instead be read from a file: set NAME_FILE to the file's path.\n")
        return blocks.joined(separator: "\n")
    }

    private static func renderSection(_ section: Section) -> String {
        var text = "\(section.title):\n"
        guard !section.fields.isEmpty else { return text + "  (no settings)\n" }
        let rows = section.fields.map { field in
            [field.environmentVariable, field.typeName, status(of: field), field.help]
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            var line = "  "
            for column in 0..<3 {
                line += row[column] + String(repeating: " ", count: widths[column] - row[column].count + 2)
            }
            line += row[3]
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    private static func status(of field: ConfigFieldDescription) -> String {
        var status: String
        if let defaultValue = field.defaultValue {
            status = "default: " + (field.isSecret ? "******" : (defaultValue.isEmpty ? "\"\"" : defaultValue))
        } else {
            status = field.isRequired ? "required" : "optional"
        }
        if field.isSecret { status += ", secret" }
        return status
    }
}
