/// A statement parameter, sent in PostgreSQL's text format (the server casts it to the
/// column's type; add `::bigint` and the like in the SQL where the type is not clear).
public enum PostgresValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// Text.
    case text(String)
    /// A 64-bit integer.
    case integer(Int64)
    /// A boolean.
    case boolean(Bool)
    /// A double.
    case double(Double)

    /// The value in text format; `nil` for `NULL`.
    var textFormat: String? {
        switch self {
        case .null: nil
        case .text(let text): text
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "t" : "f"
        case .double(let number): String(number)
        }
    }
}

extension PostgresValue {
    /// `text` or `NULL`.
    public static func text(_ text: String?) -> PostgresValue { text.map { .text($0) } ?? .null }
    /// `integer` or `NULL`.
    public static func integer(_ number: Int64?) -> PostgresValue { number.map { .integer($0) } ?? .null }
}

/// The rows a statement returned, in text format, copied out of libpq's result.
public struct PostgresRows: Sendable, Hashable {
    /// The column names.
    public var columns: [String]
    /// The rows; `nil` for `NULL`.
    public var rows: [[String?]]
    /// How many rows an `INSERT`, `UPDATE` or `DELETE` touched (0 for other statements).
    public var affected: Int

    /// The text of a cell; `nil` for `NULL` or a row or column out of range.
    public func text(_ row: Int, _ column: Int) -> String? {
        guard rows.indices.contains(row), rows[row].indices.contains(column) else { return nil }
        return rows[row][column]
    }

    /// A cell as an integer; `nil` for `NULL` or text that is not one.
    public func int64(_ row: Int, _ column: Int) -> Int64? { text(row, column).flatMap { Int64($0) } }

    /// A cell as a boolean (`t`/`f`); `nil` for `NULL`.
    public func bool(_ row: Int, _ column: Int) -> Bool? { text(row, column).map { $0 == "t" } }
}
