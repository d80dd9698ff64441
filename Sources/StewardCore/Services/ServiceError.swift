/// A service container operation failed.
public struct ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. A struct so that codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Hashable { case missing, duplicate, typeMismatch }
        private let kind: Kind
        /// No entry with the key's name is visible from the container.
        public static let missing = Code(kind: .missing)
        /// An entry with that name already exists in this layer.
        public static let duplicate = Code(kind: .duplicate)
        /// An entry exists but holds a value of another type.
        public static let typeMismatch = Code(kind: .typeMismatch)
        public var description: String {
            switch kind {
            case .missing: "missing"
            case .duplicate: "duplicate"
            case .typeMismatch: "type mismatch"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The key's name.
    public var key: String
    /// Further detail (for a type mismatch: the stored and requested types).
    public var detail: String?

    /// Creates an error.
    public init(code: Code, key: String, detail: String? = nil) {
        self.code = code
        self.key = key
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .missing: "no service registered for key \"\(key)\""
        case .duplicate: "a service is already registered for key \"\(key)\""
        default: "service \"\(key)\" has the wrong type\(detail.map { " (\($0))" } ?? "")"
        }
    }
}
