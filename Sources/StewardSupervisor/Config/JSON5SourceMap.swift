/// A 1-based line and column (counted in Unicode scalars) in the config text.
struct SourcePosition: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// What kind of value starts at a place in the text.
enum JSON5ValueKind: Sendable, Equatable {
    case object, array, string, bool, null, number
}

/// One value of the scanned text: its kind, where it is, and the nodes below it. The tree has the
/// shape of the document, so finding a path costs one dictionary lookup per key.
struct JSON5SourceNode: Sendable {
    /// The value's kind.
    var kind: JSON5ValueKind
    /// Where the value's key (for object members) or the value itself (array elements, root) starts.
    var position: SourcePosition?
    /// An object's members by key (first occurrence of a repeated key).
    var members: [String: JSON5SourceNode] = [:]
    /// An array's elements.
    var elements: [JSON5SourceNode] = []

    /// The node one step below this one, if any.
    func child(_ component: ConfigPathComponent) -> JSON5SourceNode? {
        switch component {
        case .key(let key): kind == .object ? members[key] : nil
        case .index(let index): kind == .array && elements.indices.contains(index) ? elements[index] : nil
        }
    }

    /// The node at a `Decoder`'s `codingPath`. Array elements are told from object members by this
    /// node's kind (a numeric object key also has an `intValue`).
    func node(at codingPath: [any CodingKey]) -> JSON5SourceNode? {
        var node = self
        for key in codingPath {
            let component: ConfigPathComponent
            if node.kind == .array {
                guard let index = key.intValue else { return nil }
                component = .index(index)
            } else {
                component = .key(key.stringValue)
            }
            guard let next = node.child(component) else { return nil }
            node = next
        }
        return node
    }

    /// The `userInfo` key under which `JSONDecoder` carries the scanned tree, so that
    /// ``JSONValue/init(from:)`` asks for the right type at once instead of trying each type in
    /// turn (every failed try throws a costly `DecodingError`).
    static let userInfoKey = CodingUserInfoKey(rawValue: "steward.json5SourceTree")!
}

/// What a light pass over the JSON5 text learned that `JSONDecoder` does not tell: where each key
/// and array element starts, which keys appear twice in one object, and where the first syntax
/// error is.
///
/// Why a second pass: on Linux, Foundation's `JSONDecoder` reports a syntax error only as "The
/// given data was not valid JSON." (the underlying error carrying the position is dropped outside
/// Apple's framework), and it never reports positions of valid values. ``JSON5Scanner`` follows the
/// same JSON5 dialect as Foundation's; the values themselves still come from `JSONDecoder`.
struct JSON5SourceMap: Sendable {
    /// A key that appears more than once in the same object.
    struct DuplicateKey: Sendable, Equatable {
        var path: ConfigPath
        var position: SourcePosition
        var firstPosition: SourcePosition
    }

    /// The first syntax error.
    struct SyntaxError: Sendable, Equatable {
        var position: SourcePosition
        var reason: String
    }

    /// The document's tree; `nil` when the text has a syntax error.
    var root: JSON5SourceNode?
    /// Repeated keys, in source order.
    var duplicateKeys: [DuplicateKey] = []
    /// The first syntax error, `nil` when the text is valid JSON5.
    var syntaxError: SyntaxError?

    /// Scans `text`. Never fails: problems end up in ``syntaxError``.
    init(text: String) {
        var scanner = JSON5Scanner(text: text)
        do {
            root = try scanner.scanDocument()
            duplicateKeys = scanner.duplicateKeys
        } catch {
            syntaxError = SyntaxError(position: error.position, reason: error.reason)
        }
    }

    /// Where `path` appears, or else where its closest ancestor appears (a missing key is shown at
    /// the object that lacks it); `nil` for the root or when nothing is known.
    func position(of path: ConfigPath) -> SourcePosition? {
        guard var node = root else { return nil }
        var found: SourcePosition?
        for component in path.components {
            guard let next = node.child(component) else { break }
            node = next
            found = next.position ?? found
        }
        return found
    }
}
