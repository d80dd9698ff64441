/// Sizes as written in the config: `"512"` (bytes), `"64KB"`, `"10MB"`, `"1GB"`; the units are
/// 1024-based and case-insensitive, `K`/`M`/`G`, `KiB`/`MiB`/`GiB` and `B` are accepted too.
enum ByteSize {
    private static let multipliers: [String: Int] = [
        "": 1, "b": 1,
        "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
        "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
        "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
    ]

    /// Parses `text` into a positive number of bytes.
    static func parse(_ text: String) throws(ConfigValueProblem) -> Int {
        let invalid = ConfigValueProblem(
            "invalid size \(JSONValue.quoted(text)) (expected a number of bytes or a size such as \"64KB\", \"10MB\", \"1GB\")")
        let trimmed = text.drop { $0 == " " }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).filter { $0 != " " }.lowercased()
        guard !digits.isEmpty, let number = Int(digits), let multiplier = multipliers[unit] else { throw invalid }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw ConfigValueProblem("size \(JSONValue.quoted(text)) is too large") }
        guard bytes > 0 else { throw ConfigValueProblem("must be larger than 0 bytes") }
        return bytes
    }
}
