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
}

/// What one pass of `JSON5Scanner` over the config text learned: the value, where each key
/// and array element starts, which keys appear twice in one object, and where the first syntax
/// error is.
///
/// Why our own parser rather than Foundation's `JSONDecoder` (whose JSON5 dialect it follows): on
/// Linux the decoder reports a syntax error only as "The given data was not valid JSON." and
/// never the position of a value; and it refuses some valid-looking text (a `"\u0000"` key, a
/// number such as `1e400`) with a message naming no key. Here each of those gets its key path,
/// its line and its column.
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
    /// The document's value; `null` when the text has a syntax error.
    var value: JSONValue = .null
    /// Repeated keys, in source order.
    var duplicateKeys: [DuplicateKey] = []
    /// The first syntax error, `nil` when the text is valid JSON5.
    var syntaxError: SyntaxError?

    /// Scans `text`. Never fails: problems end up in ``syntaxError``.
    init(text: String) {
        var scanner = JSON5Scanner(text: text)
        do {
            (root, value) = try scanner.scanDocument()
            duplicateKeys = scanner.duplicateKeys
        } catch {
            syntaxError = SyntaxError(position: error.position, reason: error.reason)
        }
    }

    /// Where `path` appears, or else where its closest ancestor appears (a missing key is shown at
    /// the object that lacks it, a problem with the whole document at its start); `nil` when the
    /// text has a syntax error.
    func position(of path: ConfigPath) -> SourcePosition? {
        guard var node = root else { return nil }
        var found = node.position
        for component in path.components {
            guard let next = node.child(component) else { break }
            node = next
            found = next.position ?? found
        }
        return found
    }
}
