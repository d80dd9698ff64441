/// Everything known about one configuration field without reading the environment: where it is
/// read from, its type, whether it must be set, and its documentation.
///
/// Produced by ``EnvironmentLoader/describe(_:)`` from a recording decode pass merged with
/// ``EnvironmentConfig/configFields``. For secret fields ``defaultValue`` is `"******"` when a
/// default exists.
public struct ConfigFieldDescription: Sendable, Hashable {
    /// Coding-key path, components joined by `"."` (e.g. `"database.url"`).
    public var path: String
    /// The environment variable holding the value (`NAME_FILE` may be used instead).
    public var environmentVariable: String
    /// The declared Swift type: `"Int"`, `"Duration"`, `"[String]"`, `"String?"`, `"LogLevel"`.
    public var typeName: String
    /// Whether loading fails when the variable is absent: the field is decoded with `decode`
    /// (not `decodeIfPresent`), has no default, and no enclosing value is optional.
    public var isRequired: Bool
    /// The default as environment text (`"******"` for secret fields), or `nil`.
    public var defaultValue: String?
    /// Whether the field (or an enclosing path) is documented as secret.
    public var isSecret: Bool
    /// The documented help text, or `""`.
    public var help: String

    /// Creates a description; normally obtained from ``EnvironmentLoader/describe(_:)``.
    public init(path: String, environmentVariable: String, typeName: String, isRequired: Bool,
                defaultValue: String?, isSecret: Bool, help: String) {
        self.path = path
        self.environmentVariable = environmentVariable
        self.typeName = typeName
        self.isRequired = isRequired
        self.defaultValue = defaultValue
        self.isSecret = isSecret
        self.help = help
    }
}

/// Discovers the fields of a configuration type by decoding it in recording mode.
enum EnvironmentFieldDiscovery {
    /// The fields of `type` in decoding order. A user type that cannot be decoded from
    /// placeholder values (one that validates and throws, and is not `CaseIterable`) hides the
    /// fields decoded after it.
    static func describe<T: EnvironmentConfig>(_ type: T.Type, prefix: String) -> [ConfigFieldDescription] {
        let session = EnvironmentDecodingSession(mode: .record, prefix: prefix, fields: ConfigFieldDefaults.fields(of: T.self),
            honoursSwiftDefaults: T.self is any DefaultedEnvironmentConfig.Type)
        let root = EnvironmentValueDecoder.root(for: T.self, session: session)
        _ = try? root.decodeValue(T.self)
        return session.leaves.map { leaf in
            let field = session.field(at: leaf.components)
            let isSecret = session.isSecret(leaf.components)
            let defaultValue = field?.defaultValue
            return ConfigFieldDescription(
                path: EnvironmentDecodingSession.pathString(leaf.components),
                environmentVariable: session.variableName(leaf.components),
                typeName: leaf.isOptional ? leaf.typeName + "?" : leaf.typeName,
                isRequired: !leaf.isOptional && !leaf.hasOptionalAncestor && defaultValue == nil,
                defaultValue: defaultValue.map { isSecret ? "******" : $0 },
                isSecret: isSecret,
                help: field?.help ?? "")
        }
    }
}
