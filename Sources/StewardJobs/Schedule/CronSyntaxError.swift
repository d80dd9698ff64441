/// A cron expression could not be parsed: which field, where, and why.
///
/// The description reads `field 3 (hour) at column 7: 25 is out of range 0–23`; problems that
/// concern no single field (the number of fields, an unknown macro) omit the field part.
public struct CronSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression that was parsed.
    public var text: String
    /// The field at fault, if the problem lies within one field.
    public var field: CronField?
    /// The 1-based position of that field in `text` (field 1 is the minute in the five-field form).
    public var fieldNumber: Int?
    /// The 1-based character column in `text` where the problem starts.
    public var column: Int
    /// What is wrong, e.g. "25 is out of range 0–23".
    public var reason: String

    /// Creates an error.
    public init(text: String, field: CronField?, fieldNumber: Int?, column: Int, reason: String) {
        self.text = text
        self.field = field
        self.fieldNumber = fieldNumber
        self.column = column
        self.reason = reason
    }

    /// `field N (name) at column C: reason`, or `at column C: reason`.
    public var description: String {
        if let field, let fieldNumber {
            return "field \(fieldNumber) (\(field)) at column \(column): \(reason)"
        }
        return "at column \(column): \(reason)"
    }
}
