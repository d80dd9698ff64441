/// A syntax error found by `JSON5Scanner`.
struct JSON5ScanFailure: Error {
    var position: SourcePosition
    var reason: String
}

/// A recursive-descent parser for the JSON5 dialect Foundation's `JSONDecoder` accepts with
/// `allowsJSON5`: comments, trailing commas, unquoted identifier keys, single-quoted strings,
/// hexadecimal, leading/trailing decimal points, `+`, `Infinity` and `NaN`; no control characters in
/// strings, no `\v`/`\0` escapes, no leading zeros. In one pass it builds the ``JSONValue`` and a
/// ``JSON5SourceNode`` tree of kinds and positions.
///
/// Where Foundation refuses text with a message that names no place, this parser accepts it and
/// lets the config walk report it at its key path: a NUL character in a key or string (no key or
/// string of a config may hold one), and numbers too large for a `Double` (infinite, never valid
/// where a number is expected). An unpaired surrogate escape (`"\uD800"`) is a syntax error here too.
///
/// The work is bounded: each character is looked at a constant number of times, and nesting
/// stops at ``maximumDepth``.
struct JSON5Scanner {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    /// The keys and indexes leading to the value being scanned (materialized only for duplicates).
    private var pathStack: [ConfigPathComponent] = []
    private(set) var duplicateKeys: [JSON5SourceMap.DuplicateKey] = []

    /// The deepest nesting of objects and arrays accepted: 64 levels, several times what a config
    /// needs (its deepest key, `processes.NAME.ready.notify.fd`, is 5 levels down). Past it the
    /// text is refused at the first bracket too many, so no input recurses deeper than this.
    static let maximumDepth = 64

    private static let tooDeep = "objects and arrays are nested more than \(maximumDepth) levels deep"

    init(text: String) {
        scalars = Array(text.unicodeScalars)
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }
    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        guard let scalar = current else { return }
        index += 1
        if scalar == "\n" || (scalar == "\r" && current != "\n") {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    private func failure(_ reason: String, at position: SourcePosition? = nil) -> JSON5ScanFailure {
        JSON5ScanFailure(position: position ?? self.position, reason: reason)
    }

    /// `"x"` for a character, `the end of the file` at the end.
    private var foundDescription: String {
        guard let scalar = current else { return "the end of the file" }
        if scalar == "\n" || scalar == "\r" { return "the end of the line" }
        return JSONValue.quoted(String(scalar))
    }

    /// Scans one top-level value surrounded by whitespace and comments and returns its tree and
    /// its value.
    mutating func scanDocument() throws(JSON5ScanFailure) -> (node: JSON5SourceNode, value: JSONValue) {
        if current == "\u{FEFF}" { advance() }
        try skipTrivia()
        guard current != nil else { throw failure("the file is empty (expected an object)") }
        let root = try scanValue(depth: 0)
        try skipTrivia()
        guard current == nil else {
            throw failure("unexpected \(foundDescription) after the end of the top-level value")
        }
        return root
    }

    private mutating func skipTrivia() throws(JSON5ScanFailure) {
        while let scalar = current {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}":
                advance()
            case "/" where peek(1) == "/":
                while let next = current, next != "\n", next != "\r" { advance() }
            case "/" where peek(1) == "*":
                let start = position
                advance()
                advance()
                while current != nil, !(current == "*" && peek(1) == "/") { advance() }
                guard current != nil else { throw failure("unterminated /* comment", at: start) }
                advance()
                advance()
            default:
                return
            }
        }
    }

    /// Scans the value starting here; its node's position is this position.
    private mutating func scanValue(depth: Int) throws(JSON5ScanFailure) -> (node: JSON5SourceNode, value: JSONValue) {
        var node = JSON5SourceNode(kind: .number, position: position)
        let value: JSONValue
        switch current {
        case "{":
            node.kind = .object
            let object = try scanObject(depth: depth + 1)
            node.members = object.nodes
            value = .object(object.values)
        case "[":
            node.kind = .array
            let array = try scanArray(depth: depth + 1)
            node.elements = array.nodes
            value = .array(array.values)
        case "\"", "'":
            node.kind = .string
            value = .string(try scanString())
        default:
            value = try scanLiteral()
            switch value {
            case .bool: node.kind = .bool
            case .null: node.kind = .null
            default: break
            }
        }
        return (node, value)
    }

    /// Scans an object's members; a member's node is positioned at its key. Of a repeated key, the
    /// first occurrence is kept (as in `JSONDecoder`) and the others are listed as duplicates.
    private mutating func scanObject(depth: Int) throws(JSON5ScanFailure)
        -> (nodes: [String: JSON5SourceNode], values: [String: JSONValue]) {
        guard depth <= Self.maximumDepth else { throw failure(Self.tooDeep) }
        advance()
        var nodes: [String: JSON5SourceNode] = [:]
        var values: [String: JSONValue] = [:]
        while true {
            try skipTrivia()
            if current == "}" { advance(); return (nodes, values) }
            let keyPosition = position
            let key: String
            switch current {
            case "\"", "'":
                key = try scanString()
            case let scalar? where JSON5Characters.isIdentifierStart(scalar) || scalar == "\\":
                key = try scanIdentifier()
            default:
                throw failure("expected a key or \"}\", found \(foundDescription)")
            }
            try skipTrivia()
            guard current == ":" else {
                throw failure("expected \":\" after the key \(JSONValue.quoted(key)), found \(foundDescription)")
            }
            advance()
            try skipTrivia()
            pathStack.append(.key(key))
            var member = try scanValue(depth: depth)
            if let first = nodes[key] {
                duplicateKeys.append(.init(path: ConfigPath(components: pathStack), position: keyPosition,
                                           firstPosition: first.position ?? keyPosition))
            } else {
                member.node.position = keyPosition
                nodes[key] = member.node
                values[key] = member.value
            }
            pathStack.removeLast()
            try skipTrivia()
            if current == "," { advance(); continue }
            if current == "}" { advance(); return (nodes, values) }
            throw failure("expected \",\" or \"}\" after the value of \(JSONValue.quoted(key)), found \(foundDescription)")
        }
    }

    /// Scans an array's elements.
    private mutating func scanArray(depth: Int) throws(JSON5ScanFailure) -> (nodes: [JSON5SourceNode], values: [JSONValue]) {
        guard depth <= Self.maximumDepth else { throw failure(Self.tooDeep) }
        advance()
        var nodes: [JSON5SourceNode] = []
        var values: [JSONValue] = []
        while true {
            try skipTrivia()
            if current == "]" { advance(); return (nodes, values) }
            pathStack.append(.index(nodes.count))
            let element = try scanValue(depth: depth)
            nodes.append(element.node)
            values.append(element.value)
            pathStack.removeLast()
            try skipTrivia()
            if current == "," { advance(); continue }
            if current == "]" { advance(); return (nodes, values) }
            throw failure("expected \",\" or \"]\" after an array element, found \(foundDescription)")
        }
    }

    /// Scans a quoted string and returns its (unescaped) contents.
    private mutating func scanString() throws(JSON5ScanFailure) -> String {
        let start = position
        guard let quote = current else { throw failure("expected a string") }
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = current else { throw failure("unterminated string", at: start) }
            if scalar == quote { advance(); return String(text) }
            if scalar == "\n" || scalar == "\r" {
                throw failure("unterminated string (a line break inside a string must be written \\n)", at: start)
            }
            if scalar.value < 0x20 {
                throw failure("control character U+\(JSON5Characters.hex(scalar.value, width: 4)) inside a string (write it as an escape)")
            }
            if scalar != "\\" { text.append(scalar); advance(); continue }
            let escapePosition = position
            advance()
            guard let escaped = current else { throw failure("unterminated string", at: start) }
            switch escaped {
            case "\"", "'", "\\", "/": text.append(escaped); advance()
            case "b": text.append("\u{08}"); advance()
            case "f": text.append("\u{0C}"); advance()
            case "n": text.append("\n"); advance()
            case "r": text.append("\r"); advance()
            case "t": text.append("\t"); advance()
            // A line continuation keeps its line break, as Foundation's decoder reads it (the
            // JSON5 specification drops it): the values of old configs stay what they were.
            case "\n": text.append("\n"); advance()
            case "\r":
                text.append("\r")
                advance()
                if current == "\n" { text.append("\n"); advance() }
            case "x":
                advance()
                // Two digits: at most U+00FF, always a valid scalar.
                text.append(Unicode.Scalar(UInt8(try scanHexDigits(2, escape: "x", at: escapePosition))))
            case "u":
                advance()
                text.append(try scanUnicodeEscape(at: escapePosition))
            default:
                throw failure("invalid escape \\\(escaped) inside a string", at: escapePosition)
            }
        }
    }

    /// Scans an unquoted key (an ECMAScript identifier name, `\u` escapes allowed). An escape is
    /// kept as written (`a\u0062` is the key `a\u0062`, not `ab`), as Foundation's decoder reads it.
    private mutating func scanIdentifier() throws(JSON5ScanFailure) -> String {
        var text = String.UnicodeScalarView()
        while let scalar = current {
            if scalar == "\\" {
                let escapePosition = position
                advance()
                guard current == "u" else { throw failure("invalid escape in a key", at: escapePosition) }
                advance()
                let value = try scanHexDigits(4, escape: "u", at: escapePosition)
                text.append(contentsOf: "\\u\(JSON5Characters.hex(value, width: 4))".unicodeScalars)
            } else if text.isEmpty ? JSON5Characters.isIdentifierStart(scalar) : JSON5Characters.isIdentifierPart(scalar) {
                text.append(scalar)
                advance()
            } else {
                break
            }
        }
        return String(text)
    }

    /// The character of a `\uXXXX` escape whose `\u` was just consumed; a high surrogate must be
    /// followed by a `\uXXXX` low surrogate, and the two make one character (`\uD83D\uDE00`).
    private mutating func scanUnicodeEscape(at escapePosition: SourcePosition) throws(JSON5ScanFailure) -> Unicode.Scalar {
        let value = try scanHexDigits(4, escape: "u", at: escapePosition)
        if let scalar = Unicode.Scalar(value) { return scalar }
        let unpaired = "invalid \\u escape: \\u\(JSON5Characters.hex(value, width: 4)) is half of a surrogate pair, without its other half"
        guard value < 0xDC00, current == "\\", peek(1) == "u" else { throw failure(unpaired, at: escapePosition) }
        let lowPosition = position
        advance()
        advance()
        let low = try scanHexDigits(4, escape: "u", at: lowPosition)
        guard low >= 0xDC00, low <= 0xDFFF,
              let scalar = Unicode.Scalar(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)) else {
            throw failure(unpaired, at: escapePosition)
        }
        return scalar
    }

    /// Reads `count` hexadecimal digits of a `\x` or `\u` escape starting at `escapePosition`.
    private mutating func scanHexDigits(_ count: Int, escape: String, at escapePosition: SourcePosition) throws(JSON5ScanFailure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let digit = current, let nibble = JSON5Characters.hexValue(digit) else {
                throw failure("invalid \\\(escape) escape (expected \(count) hexadecimal digits)", at: escapePosition)
            }
            value = value * 16 + nibble
            advance()
        }
        return value
    }

    /// Scans `true`, `false`, `null` or a number.
    private mutating func scanLiteral() throws(JSON5ScanFailure) -> JSONValue {
        let start = position
        var word = ""
        while let scalar = current, !Self.endsLiteral(scalar) {
            word.unicodeScalars.append(scalar)
            advance()
        }
        if word.isEmpty { throw failure("expected a value, found \(foundDescription)") }
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        if let number = JSON5Number.value(of: word) { return number }
        if let first = word.unicodeScalars.first, JSON5Characters.isIdentifierStart(first),
           word.unicodeScalars.allSatisfy(JSON5Characters.isIdentifierPart) {
            throw failure("unexpected \(word) (text values must be quoted: \(JSONValue.quoted(word)))", at: start)
        }
        throw failure("invalid value \(JSONValue.quoted(word))", at: start)
    }

    private static func endsLiteral(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", ",", ":", "[", "]", "{", "}", "\"", "'", "/": true
        default: false
        }
    }
}
