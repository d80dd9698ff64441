/// One `name=value` item of a request's query string. An item written without `=`, such as
/// `verbose` in `/readyz?verbose`, has a `nil` value; `flag=` has the empty value.
public struct HTTPQueryItem: Sendable, Hashable, CustomStringConvertible {
    /// The percent-decoded name (`+` decodes to a space).
    public var name: String
    /// The percent-decoded value, or `nil` when the item had no `=`.
    public var value: String?

    /// Creates an item.
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }

    /// `name` or `name=value` (decoded, not re-encoded).
    public var description: String { value.map { "\(name)=\($0)" } ?? name }
}
