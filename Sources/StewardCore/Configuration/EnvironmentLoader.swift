#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Loads ``EnvironmentConfig`` types from environment variables.
///
/// **Names.** A field's variable is the prefix, `"_"`, and each coding-key path component
/// converted from camelCase to UPPER_SNAKE_CASE, joined by `"_"`: with prefix `"APP"`,
/// `databaseURL` is read from `APP_DATABASE_URL`, nested `db.maxConns` from `APP_DB_MAX_CONNS`.
/// An empty prefix adds nothing.
///
/// **Values.** Supported leaf types: `String` (verbatim), `Bool` (`true/false/1/0/yes/no/on/off`,
/// any case), every `Int`/`UInt` width, `Double`, `Float` (finite only), `Duration` (`"250ms"`,
/// `"1h30m"`, see `Duration(parsing:)`), `URL` (must have a scheme), lists of those
/// (comma-separated, items trimmed, empty items dropped), `Optional` (absent means `nil`), nested
/// `Decodable` structs (which add path components), and types that decode through a single-value
/// container such as `String`-backed enums. Dictionaries, lists of structs and nested lists are
/// reported as ``ConfigFieldError/Kind/unsupported(type:)``. A variable set to the empty string
/// counts as set. An optional nested struct is `nil` unless at least one variable below it is set.
///
/// **Defaults.** When a variable is absent, the field's ``ConfigField/defaultValue`` is decoded as
/// if the variable were set to it. A non-optional field with neither is ``ConfigFieldError/Kind/missing``.
///
/// **Files.** If `NAME_FILE` is set instead of `NAME`, the value is the contents of the file it
/// names, minus one trailing newline. Both set is ``ConfigFieldError/Kind/ambiguous``; a file that
/// cannot be read is ``ConfigFieldError/Kind/unreadableFile(path:reason:)``.
///
/// **Errors.** Every problem in the whole type, including nested structs, is reported together in
/// one ``ConfigErrors``. Secret values never appear in messages.
public struct EnvironmentLoader: Sendable {
    /// The variable-name prefix (e.g. `"APP"`); `""` for none.
    public let prefix: String
    private let environment: [String: String]
    private let readFile: @Sendable (String) throws -> String

    /// Creates a loader reading variables named with `prefix` from `environment`.
    ///
    /// - Parameters:
    ///   - prefix: Prepended to every variable name followed by `"_"`; `""` for none.
    ///   - environment: The variables to read; defaults to the process environment.
    ///   - readFile: Reads the file named by a `NAME_FILE` variable as text; defaults to
    ///     ``readTextFile(atPath:)``. Its error's description becomes the failure reason.
    public init(
        prefix: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: @escaping @Sendable (String) throws -> String = EnvironmentLoader.readTextFile(atPath:)
    ) {
        self.prefix = prefix
        self.environment = environment
        self.readFile = readFile
    }

    /// Reads the regular file at `path`, of at most 1 MiB, as UTF-8 text. Throws an error whose
    /// description is the OS reason (e.g. `"No such file or directory"`), or that the file is not
    /// a regular file (a FIFO or a device would block or never end), is too large, or is not
    /// valid UTF-8.
    public static func readTextFile(atPath path: String) throws -> String {
        try ConfigFileReading.read(atPath: path)
    }

    /// Decodes `type` from the environment.
    ///
    /// - Throws: ``ConfigErrors`` listing every missing, malformed, ambiguous, unreadable or
    ///   unsupported field found in one pass. Decoding only stops early when a non-scalar user type
    ///   throws and offers no placeholder to continue with; everything found until then is still
    ///   reported.
    public func load<T: EnvironmentConfig>(_ type: T.Type) throws(ConfigErrors) -> T {
        let session = EnvironmentDecodingSession(
            mode: .load(environment: environment, readFile: readFile), prefix: prefix, fields: ConfigFieldDefaults.fields(of: T.self),
            honoursSwiftDefaults: T.self is any DefaultedEnvironmentConfig.Type)
        let root = EnvironmentValueDecoder.root(for: T.self, session: session)
        var value: T?
        do {
            value = try root.decodeValue(T.self)
        } catch {
            if session.errorCount == 0 {
                session.report(.invalid(value: "", expected: EnvironmentTypeNaming.displayName(of: T.self)),
                               at: [], "decoding stopped: \(error)")
            }
        }
        if let value, session.errors.isEmpty { return value }
        throw ConfigErrors(session.errors)
    }

    /// Describes every field of `type` — variable, type, requiredness, default, secrecy, help — in
    /// decoding order, without reading the environment. Fields are discovered by a recording decode
    /// pass and merged with ``EnvironmentConfig/configFields``. Secret defaults are masked.
    public func describe<T: EnvironmentConfig>(_ type: T.Type) -> [ConfigFieldDescription] {
        EnvironmentFieldDiscovery.describe(type, prefix: prefix)
    }

    /// The variable a coding-key path (`"database.url"`) is read from under this loader's prefix.
    public func variableName(forPath path: String) -> String {
        EnvironmentVariableNaming.variableName(prefix: prefix, path: path)
    }

    /// The same as the free function ``maskedDescription(of:prefix:)`` with this loader's prefix.
    public func maskedDescription<T: EnvironmentConfig>(of value: T) -> String {
        StewardCore.maskedDescription(of: value, prefix: prefix)
    }
}
