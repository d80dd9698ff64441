/// Maps coding-key paths to environment variable names.
///
/// `PREFIX` + `"_"` + each path component converted from camelCase to UPPER_SNAKE_CASE, joined by
/// `"_"`: prefix `"APP"` and path `["db", "maxConns"]` give `APP_DB_MAX_CONNS`; `databaseURL` gives
/// `DATABASE_URL`. An empty prefix adds nothing (no leading `"_"`); trailing underscores of the
/// prefix are not doubled (`"APP_"` behaves like `"APP"`).
enum EnvironmentVariableNaming {
    /// The variable for `components` under `prefix`. No components gives the prefix alone.
    static func variableName(prefix: String, components: [String]) -> String {
        var parts: [String] = []
        let trimmedPrefix = trimmingTrailingUnderscores(prefix)
        if !trimmedPrefix.isEmpty { parts.append(trimmedPrefix) }
        for component in components {
            let converted = upperSnakeCase(component)
            if !converted.isEmpty { parts.append(converted) }
        }
        return parts.joined(separator: "_")
    }

    /// The variable for a dotted coding-key path (`"database.url"`) under `prefix`.
    static func variableName(prefix: String, path: String) -> String {
        let components = path.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        return variableName(prefix: prefix, components: components)
    }

    /// Converts one coding-key component to UPPER_SNAKE_CASE.
    ///
    /// A word boundary is placed before an uppercase letter that follows a lowercase letter or a
    /// digit (`httpPort` → `HTTP_PORT`, `s3Bucket` → `S3_BUCKET`) and before the last capital of an
    /// acronym followed by lowercase (`URLPath` → `URL_PATH`). Any other non-alphanumeric
    /// characters (`_`, `-`, `.`) become single underscores (`max_conns` → `MAX_CONNS`).
    static func upperSnakeCase(_ component: String) -> String {
        let characters = Array(component)
        var result = ""
        func appendSeparator() {
            if !result.isEmpty, !result.hasSuffix("_") { result.append("_") }
        }
        for index in characters.indices {
            let character = characters[index]
            guard character.isLetter || character.isNumber else {
                appendSeparator()
                continue
            }
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLowercase = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLowercase) {
                    appendSeparator()
                }
            }
            result.append(contentsOf: character.uppercased())
        }
        return trimmingTrailingUnderscores(result)
    }

    private static func trimmingTrailingUnderscores(_ text: String) -> String {
        var text = Substring(text)
        while text.hasSuffix("_") { text.removeLast() }
        return String(text)
    }
}
