/// One problem with one configuration field, found while loading from the environment.
///
/// Secret values never appear in ``message`` or in ``kind``: they are replaced by `"******"`.
public struct ConfigFieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong with a field. A struct (rather than a public enum) so new kinds can be added
    /// without breaking clients; compare with `==` against the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Storage: Sendable, Hashable {
            case missing
            case invalid(value: String, expected: String)
            case unreadableFile(path: String, reason: String)
            case ambiguous
            case unsupported(type: String)
        }

        private let storage: Storage

        private init(_ storage: Storage) { self.storage = storage }

        /// The field is required (not optional, no default) but its variable is not set.
        public static let missing = Kind(.missing)

        /// The variable's text could not be decoded as the field's type. `value` is the offending
        /// text (`"******"` for secret fields); `expected` describes what would be accepted.
        public static func invalid(value: String, expected: String) -> Kind {
            Kind(.invalid(value: value, expected: expected))
        }

        /// `NAME_FILE` names a file that could not be read as UTF-8 text.
        public static func unreadableFile(path: String, reason: String) -> Kind {
            Kind(.unreadableFile(path: path, reason: reason))
        }

        /// Both `NAME` and `NAME_FILE` are set, so it is unclear which value to use.
        public static let ambiguous = Kind(.ambiguous)

        /// The field's type cannot be read from the environment (for example a dictionary).
        public static func unsupported(type: String) -> Kind { Kind(.unsupported(type: type)) }

        /// A stable identifier of the kind without its associated values: `"missing"`,
        /// `"invalid"`, `"unreadableFile"`, `"ambiguous"` or `"unsupported"`.
        public var name: String {
            switch storage {
            case .missing: "missing"
            case .invalid: "invalid"
            case .unreadableFile: "unreadableFile"
            case .ambiguous: "ambiguous"
            case .unsupported: "unsupported"
            }
        }

        /// A short rendering such as `invalid(value: "abc", expected: "Int")`.
        public var description: String {
            switch storage {
            case .missing: "missing"
            case .invalid(let value, let expected): "invalid(value: \"\(value)\", expected: \"\(expected)\")"
            case .unreadableFile(let path, let reason): "unreadableFile(path: \"\(path)\", reason: \"\(reason)\")"
            case .ambiguous: "ambiguous"
            case .unsupported(let type): "unsupported(type: \"\(type)\")"
            }
        }
    }

    /// The field's coding-key path, components joined by `"."` (`""` for the configuration root).
    public var path: String
    /// The environment variable the field is read from (without the `_FILE` suffix).
    public var environmentVariable: String
    /// What went wrong.
    public var kind: Kind
    /// A complete one-line, human-readable explanation naming the variable; never contains a
    /// secret value.
    public var message: String

    /// Creates a field error. `message` should be one line and must not contain secret values.
    public init(path: String, environmentVariable: String, kind: Kind, message: String) {
        self.path = path
        self.environmentVariable = environmentVariable
        self.kind = kind
        self.message = message
    }

    /// The same as ``message``.
    public var description: String { message }
}

/// Every problem found while loading one configuration type, reported together so that all of
/// them can be fixed at once. Thrown by ``EnvironmentLoader/load(_:)``; never empty when thrown.
public struct ConfigErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The individual problems, in the order the fields were decoded.
    public var errors: [ConfigFieldError]

    /// Wraps `errors`.
    public init(_ errors: [ConfigFieldError]) {
        self.errors = errors
    }

    /// One line per error (each error's ``ConfigFieldError/message``), separated by `"\n"`.
    public var description: String {
        errors.map(\.message).joined(separator: "\n")
    }
}
