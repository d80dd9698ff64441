/// Documentation, default and secrecy of one configuration field.
///
/// A field is identified by its *coding-key path*: the `stringValue`s of the coding keys from the
/// configuration type's root down to the field, joined by `"."` — for example `"port"` or
/// `"database.url"`. The same path is used by ``EnvironmentLoader`` to find the field's default and
/// secrecy, by ``EnvironmentLoader/describe(_:)`` and by ``ConfigHelp`` to document it.
///
/// Marking a path secret also marks every field nested below it secret.
public struct ConfigField: Sendable, Hashable {
    /// The coding-key path of the field, components joined by `"."` (e.g. `"database.url"`).
    public var path: String
    /// One-line human description shown in help output. May be empty.
    public var help: String
    /// The default, written exactly as it would be written in the environment (e.g. `"8080"`,
    /// `"30s"`, `"a,b,c"`). When the field's variable is absent, the loader decodes this text as if
    /// the variable were set to it. `nil` means no default.
    public var defaultValue: String?
    /// Whether the field's value is sensitive. Secret values (and secret defaults) never appear in
    /// error messages, descriptions, help or ``maskedDescription(of:prefix:)``; `"******"` is shown
    /// instead.
    public var isSecret: Bool

    /// Documents the field at coding-key path `path`.
    ///
    /// - Parameters:
    ///   - path: Coding-key path, components joined by `"."`.
    ///   - help: One-line description for help output.
    ///   - default: Default value as environment text, used when the variable is absent.
    ///   - secret: Whether the value must be masked everywhere it could be displayed.
    public init(_ path: String, help: String = "", default: String? = nil, secret: Bool = false) {
        self.path = path
        self.help = help
        self.defaultValue = `default`
        self.isSecret = secret
    }
}

/// A configuration type that ``EnvironmentLoader`` can decode from environment variables.
///
/// Conforming types are ordinary `Decodable` structs (synthesized conformance is the norm). Each
/// stored property maps to one variable named after its coding-key path (see
/// ``EnvironmentLoader``); nested `Decodable` structs add path components. Use `decodeIfPresent`
/// (i.e. an `Optional` property) for fields that may be absent.
public protocol EnvironmentConfig: Decodable, Sendable {
    /// Documentation, defaults (as environment text) and secrecy of the type's fields, keyed by
    /// coding-key path. Fields not listed have no help, no default and are not secret.
    /// The default implementation returns `[]`.
    static var configFields: [ConfigField] { get }
}

extension EnvironmentConfig {
    /// No documented fields: every field is undocumented, has no default and is not secret.
    public static var configFields: [ConfigField] { [] }
}
