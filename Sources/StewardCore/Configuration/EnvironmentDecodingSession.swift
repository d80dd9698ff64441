/// The shared, mutable state of one decoding pass over the environment: where values come from,
/// the errors collected so far and (when recording) the shape of every field.
///
/// Used from one thread for the duration of a single `load` or `describe` call, never shared.
final class EnvironmentDecodingSession {
    /// Where leaf values come from.
    enum Mode {
        /// Read variables (and `_FILE` indirections) from `environment`.
        case load(environment: [String: String], readFile: @Sendable (String) throws -> String)
        /// Read nothing but defaults; record each leaf's path, type and optionality.
        case record
    }

    /// The outcome of reading one leaf's text.
    enum Lookup {
        /// The text to decode (from the variable, its file, or the field's default).
        case value(String)
        /// Neither the variable, its `_FILE` nor a default is present.
        case absent
        /// The variable is unusable; the error has already been reported.
        case failed
    }

    /// One leaf seen during a recording pass.
    struct RecordedLeaf {
        var components: [String]
        /// The declared type's display name, without a trailing `?`.
        var typeName: String
        /// Whether the leaf itself may be absent (`decodeIfPresent` / `Optional`).
        var isOptional: Bool
        /// Whether an enclosing value may be absent.
        var hasOptionalAncestor: Bool
    }

    /// Error count and explicit-read count at some point, to undo a speculative decode.
    struct Checkpoint {
        fileprivate var errorCount: Int
        fileprivate var explicitReads: Int
    }

    let mode: Mode
    let prefix: String
    /// Whether the type's Swift default values were read (a ``DefaultedEnvironmentConfig``).
    let honoursSwiftDefaults: Bool
    private let fields: [String: ConfigField]
    private(set) var errors: [ConfigFieldError] = []
    private(set) var leaves: [RecordedLeaf] = []
    private var recordedPaths: Set<String> = []
    private var lookups: [String: Lookup] = [:]
    /// How many leaves were read from an explicitly set variable or file (defaults excluded).
    private var explicitReads = 0

    init(mode: Mode, prefix: String, fields: [ConfigField], honoursSwiftDefaults: Bool = false) {
        self.mode = mode
        self.prefix = prefix
        self.honoursSwiftDefaults = honoursSwiftDefaults
        self.fields = Dictionary(fields.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var isRecording: Bool {
        if case .record = mode { return true }
        return false
    }

    // MARK: Fields

    static func pathString(_ components: [String]) -> String {
        components.joined(separator: ".")
    }

    func variableName(_ components: [String]) -> String {
        EnvironmentVariableNaming.variableName(prefix: prefix, components: components)
    }

    func field(at components: [String]) -> ConfigField? {
        fields[Self.pathString(components)]
    }

    /// Whether the field or any enclosing path is documented as secret.
    func isSecret(_ components: [String]) -> Bool {
        (0...components.count).contains { count in
            fields[Self.pathString(Array(components.prefix(count)))]?.isSecret ?? false
        }
    }

    // MARK: Reading

    /// Reads the text of the leaf at `components`, resolving `_FILE` and defaults. Each path is
    /// resolved (and any error reported) once; later calls return the cached outcome.
    func lookup(_ components: [String]) -> Lookup {
        let path = Self.pathString(components)
        if let cached = lookups[path] { return cached }
        let result = resolve(components)
        lookups[path] = result
        return result
    }

    private func resolve(_ components: [String]) -> Lookup {
        let defaultValue = field(at: components)?.defaultValue
        guard case .load(let environment, let readFile) = mode else {
            return defaultValue.map(Lookup.value) ?? .absent
        }
        let name = variableName(components)
        let direct = environment[name]
        let filePath = environment[name + "_FILE"]
        if direct != nil || filePath != nil { explicitReads += 1 }
        switch (direct, filePath) {
        case (.some, .some):
            report(.ambiguous, at: components,
                   "both \(name) and \(name)_FILE are set; set only one of them")
            return .failed
        case (.some(let value), .none):
            return .value(value)
        case (.none, .some(let path)):
            do {
                var contents = try readFile(path)
                if contents.last == "\n" || contents.last == "\r\n" { contents.removeLast() }
                return .value(contents)
            } catch {
                let reason = String(describing: error)
                report(.unreadableFile(path: path, reason: reason), at: components,
                       "cannot read \(name)_FILE \"\(path)\": \(reason)")
                return .failed
            }
        case (.none, .none):
            return defaultValue.map(Lookup.value) ?? .absent
        }
    }

    /// Whether the leaf at `components` has a variable, a `_FILE` variable or a default, without
    /// reading files or reporting anything. Always `true` while recording.
    func isPresent(_ components: [String]) -> Bool {
        guard case .load(let environment, _) = mode else { return true }
        if field(at: components)?.defaultValue != nil { return true }
        let name = variableName(components)
        return environment[name] != nil || environment[name + "_FILE"] != nil
    }

    /// Whether any variable is set below `components` (its name starts with the path's name + `_`).
    func hasNestedVariables(under components: [String]) -> Bool {
        guard case .load(let environment, _) = mode else { return true }
        let name = variableName(components)
        let namePrefix = name.isEmpty ? "" : name + "_"
        return environment.keys.contains { $0.hasPrefix(namePrefix) }
    }

    // MARK: Recording

    func recordLeaf(_ components: [String], typeName: String, isOptional: Bool, hasOptionalAncestor: Bool) {
        guard isRecording else { return }
        let path = Self.pathString(components)
        guard recordedPaths.insert(path).inserted else { return }
        leaves.append(RecordedLeaf(components: components, typeName: typeName, isOptional: isOptional,
                                   hasOptionalAncestor: hasOptionalAncestor))
    }

    // MARK: Errors

    var errorCount: Int { errors.count }

    /// Records an error for the field at `components`; `detail` completes the message after the
    /// `VARIABLE (path): ` label and must not contain secret values. Ignored while recording.
    func report(_ kind: ConfigFieldError.Kind, at components: [String], _ detail: String) {
        guard !isRecording else { return }
        let name = variableName(components)
        let path = Self.pathString(components)
        let label: String
        switch (name.isEmpty, path.isEmpty) {
        case (true, _): label = path.isEmpty ? "configuration" : path
        case (false, true): label = name
        case (false, false): label = "\(name) (\(path))"
        }
        errors.append(ConfigFieldError(path: path, environmentVariable: name, kind: kind,
                                       message: "\(label): \(detail)"))
    }

    func checkpoint() -> Checkpoint {
        Checkpoint(errorCount: errors.count, explicitReads: explicitReads)
    }

    /// Whether any leaf was read from an explicitly set variable or file since `checkpoint`.
    func hasExplicitReads(since checkpoint: Checkpoint) -> Bool {
        explicitReads > checkpoint.explicitReads
    }

    /// Discards the errors reported since `checkpoint`.
    func rollback(to checkpoint: Checkpoint) {
        errors.removeSubrange(checkpoint.errorCount...)
    }
}
