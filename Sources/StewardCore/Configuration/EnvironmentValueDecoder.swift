/// Thrown through user types' `init(from:)` when decoding cannot continue (an error inside a
/// non-scalar type that offers no placeholder value). Every problem is already reported to the
/// session; the loader turns this into ``ConfigErrors``.
struct EnvironmentDecodingAborted: Error {}

/// The coding key of a list item (`0`, `1`, …). List items do not add to the variable name.
struct EnvironmentIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String

    init(_ index: Int) {
        intValue = index
        stringValue = String(index)
    }

    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { nil }
}

/// A `Decoder` positioned at one coding-key path of a configuration type.
///
/// Scalars (see ``EnvironmentScalar``) never throw: problems are reported to the session and a
/// placeholder is returned so decoding continues and all problems are collected in one pass.
/// Errors thrown by user types are reported too; decoding then continues with a placeholder when
/// one exists (first case of a `CaseIterable` type, empty collection) and is aborted otherwise.
final class EnvironmentValueDecoder: Decoder {
    /// Where this node's text comes from.
    enum Source {
        /// The environment variable named after ``components``.
        case variable
        /// One comma-separated item of the list read from the enclosing variable.
        case item(text: String, index: Int, listTypeName: String)
    }

    let session: EnvironmentDecodingSession
    let codingPath: [any CodingKey]
    /// The coding-key path used for the variable name and field documentation.
    let components: [String]
    let source: Source
    /// The type requested at this path, for descriptions (`"Int"`, `"LogLevel"`, `"[String]"`).
    var declaredTypeName: String
    /// Whether the value at this path may be absent (`decodeIfPresent` or `Optional`).
    var isOptional: Bool
    /// Whether an enclosing value may be absent, so this field is not required overall.
    let hasOptionalAncestor: Bool
    /// The raw text this node's own leaf read produced, for error messages.
    private(set) var lastReadText: String?

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(session: EnvironmentDecodingSession, codingPath: [any CodingKey], components: [String],
         source: Source, declaredTypeName: String, isOptional: Bool, hasOptionalAncestor: Bool) {
        self.session = session
        self.codingPath = codingPath
        self.components = components
        self.source = source
        self.declaredTypeName = declaredTypeName
        self.isOptional = isOptional
        self.hasOptionalAncestor = hasOptionalAncestor
    }

    /// The root of a configuration type.
    static func root<T>(for type: T.Type, session: EnvironmentDecodingSession) -> EnvironmentValueDecoder {
        EnvironmentValueDecoder(session: session, codingPath: [], components: [], source: .variable,
                                declaredTypeName: EnvironmentTypeNaming.displayName(of: type),
                                isOptional: false, hasOptionalAncestor: false)
    }

    /// The node for `key` below this one.
    func child(for key: any CodingKey, typeName: String, isOptional: Bool) -> EnvironmentValueDecoder {
        EnvironmentValueDecoder(session: session, codingPath: codingPath + [key],
                                components: components + [key.stringValue], source: .variable,
                                declaredTypeName: typeName, isOptional: isOptional,
                                hasOptionalAncestor: hasOptionalAncestor || self.isOptional)
    }

    /// The node for list item `index` whose text is `text`.
    func item(at index: Int, text: String) -> EnvironmentValueDecoder {
        EnvironmentValueDecoder(session: session, codingPath: codingPath + [EnvironmentIndexKey(index)],
                                components: components,
                                source: .item(text: text, index: index, listTypeName: declaredTypeName),
                                declaredTypeName: declaredTypeName, isOptional: false,
                                hasOptionalAncestor: hasOptionalAncestor || isOptional)
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if case .item(_, _, let listTypeName) = source {
            session.report(.unsupported(type: listTypeName), at: components,
                           "type \(listTypeName) cannot be read from the environment: lists may only contain scalar values")
            throw EnvironmentDecodingAborted()
        }
        return KeyedDecodingContainer(EnvironmentKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        if case .item(_, _, let listTypeName) = source {
            session.report(.unsupported(type: listTypeName), at: components,
                           "type \(listTypeName) cannot be read from the environment: lists cannot be nested")
            return EnvironmentUnkeyedContainer(decoder: self, items: [])
        }
        switch readLeaf() {
        case .value(let text):
            let items = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { String(String($0).trimmingWhitespace()) }
                .filter { !$0.isEmpty }
            return EnvironmentUnkeyedContainer(decoder: self, items: items)
        case .absent:
            reportMissing()
            return EnvironmentUnkeyedContainer(decoder: self, items: [])
        case .failed:
            return EnvironmentUnkeyedContainer(decoder: self, items: [])
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        EnvironmentSingleValueContainer(decoder: self)
    }

    // MARK: Leaves

    /// Reads this node's text (recording the leaf's shape when recording).
    func readLeaf() -> EnvironmentDecodingSession.Lookup {
        switch source {
        case .item(let text, _, _):
            lastReadText = text
            return .value(text)
        case .variable:
            session.recordLeaf(components, typeName: declaredTypeName, isOptional: isOptional,
                               hasOptionalAncestor: hasOptionalAncestor)
            let lookup = session.lookup(components)
            if case .value(let text) = lookup { lastReadText = text }
            return lookup
        }
    }

    /// Whether nothing at all is set at or below this path (used by `decodeNil`).
    func isAbsent() -> Bool {
        guard !session.isRecording, case .variable = source else { return false }
        return !session.isPresent(components) && !session.hasNestedVariables(under: components)
    }

    private var itemLabel: String {
        if case .item(_, let index, _) = source { return "item \(index + 1) " }
        return ""
    }

    private func reportMissing() {
        let name = session.variableName(components)
        // A Swift default value (`var x = 1`) is invisible to Decodable: say so where it matters.
        let hint = session.honoursSwiftDefaults ? "" : "; a Swift default value is used only when the type conforms to DefaultedEnvironmentConfig"
        session.report(.missing, at: components, "required but not set (set \(name) or \(name)_FILE\(hint))")
    }

    private func reportInvalid(text: String, expected: String, detail: String?) {
        let secret = session.isSecret(components)
        let shown = secret ? "******" : text
        var message = "\(itemLabel)\"\(shown)\" is not a valid \(expected)"
        if let detail, !secret { message += ": \(detail)" }
        session.report(.invalid(value: shown, expected: expected), at: components, message)
    }

    /// Decodes a scalar leaf; never throws (problems are reported, a placeholder returned).
    func decodeScalar<S: EnvironmentScalar>(_ type: S.Type) -> S {
        switch readLeaf() {
        case .absent:
            reportMissing()
            return S.environmentPlaceholder
        case .failed:
            return S.environmentPlaceholder
        case .value(let text):
            switch S.parseEnvironmentText(text) {
            case .success(let value):
                return value
            case .failure(let failure):
                reportInvalid(text: text, expected: S.environmentExpectation, detail: failure.detail)
                return S.environmentPlaceholder
            }
        }
    }

    private func decodeScalarErased<S: EnvironmentScalar>(_ type: S.Type) -> Any {
        decodeScalar(type)
    }

    // MARK: Values

    /// Decodes a value of any type at this node.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if let scalar = T.self as? any EnvironmentScalar.Type {
            return decodeScalarErased(scalar) as! T
        }
        if let optional = T.self as? any EnvironmentOptionalMarker.Type {
            declaredTypeName = EnvironmentTypeNaming.displayName(of: optional.wrappedType)
            isOptional = true
            return try optional.decodeWrappedIfPresent(at: self) as! T
        }
        if T.self is any EnvironmentDictionaryMarker.Type {
            return decodeUnsupportedDictionary(T.self)
        }
        return try decodeComposite(T.self)
    }

    /// Decodes a value that may be absent. Scalars are absent when neither the variable, its
    /// `_FILE` nor a default exists. Other types are decoded speculatively and are `nil` unless at
    /// least one variable below them is explicitly set (defaults alone do not make them present).
    func decodeIfPresentValue<T: Decodable>(_ type: T.Type) throws -> T? {
        isOptional = true
        guard !session.isRecording, case .variable = source else { return try decodeValue(T.self) }
        if T.self is any EnvironmentDictionaryMarker.Type || session.isPresent(components) {
            return try decodeValue(T.self)
        }
        if T.self is any EnvironmentScalar.Type || !session.hasNestedVariables(under: components) {
            return nil
        }
        let checkpoint = session.checkpoint()
        do {
            let value = try decodeValue(T.self)
            if session.hasExplicitReads(since: checkpoint) { return value }
        } catch {
            if session.hasExplicitReads(since: checkpoint) { throw error }
        }
        session.rollback(to: checkpoint)
        return nil
    }

    private func decodeUnsupportedDictionary<T>(_ type: T.Type) -> T {
        let typeName = EnvironmentTypeNaming.displayName(of: T.self)
        if case .variable = source {
            session.recordLeaf(components, typeName: typeName, isOptional: isOptional,
                               hasOptionalAncestor: hasOptionalAncestor)
        }
        session.report(.unsupported(type: typeName), at: components,
                       "type \(typeName) cannot be read from the environment: dictionaries are not supported")
        return (T.self as! any EnvironmentEmptyPlaceholder.Type).environmentEmptyPlaceholder as! T
    }

    /// Decodes a user type through its own `init(from:)`, reporting what it throws.
    private func decodeComposite<T: Decodable>(_ type: T.Type) throws -> T {
        let errorsBefore = session.errorCount
        do {
            return try T(from: self)
        } catch {
            // An error after problems were already reported inside is usually their consequence
            // (e.g. an enum built from a missing value), so only report errors that stand alone.
            if !(error is EnvironmentDecodingAborted), session.errorCount == errorsBefore {
                reportUserError(error, type: T.self)
            }
            if let first = EnvironmentCaseList.cases(of: T.self)?.first as? T { return first }
            if let empty = T.self as? any EnvironmentEmptyPlaceholder.Type,
               let value = empty.environmentEmptyPlaceholder as? T {
                return value
            }
            throw EnvironmentDecodingAborted()
        }
    }

    private func reportUserError<T>(_ error: any Error, type: T.Type) {
        let typeName = EnvironmentTypeNaming.displayName(of: T.self)
        let secret = session.isSecret(components)
        var expected = typeName
        var explanation: String? = Self.explanation(of: error)
        if let cases = EnvironmentCaseList.cases(of: T.self) {
            expected += " (one of: \(cases.map(EnvironmentCaseList.environmentText(of:)).joined(separator: ", ")))"
            explanation = nil
        }
        if let text = lastReadText {
            reportInvalid(text: text, expected: expected, detail: explanation)
        } else {
            var message = "invalid \(typeName)"
            if let explanation, !secret { message += ": \(explanation)" }
            session.report(.invalid(value: "", expected: expected), at: components, message)
        }
    }

    private static func explanation(of error: any Error) -> String {
        if let decodingError = error as? DecodingError {
            switch decodingError {
            case .dataCorrupted(let context), .keyNotFound(_, let context),
                 .typeMismatch(_, let context), .valueNotFound(_, let context):
                return context.debugDescription
            @unknown default:
                return String(describing: error)
            }
        }
        return String(describing: error)
    }
}
