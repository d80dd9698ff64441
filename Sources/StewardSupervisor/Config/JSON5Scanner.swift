/// A syntax error found by ``JSON5Scanner``.
struct JSON5ScanFailure: Error {
    var position: SourcePosition
    var reason: String
}

/// A recursive-descent recognizer for the JSON5 dialect Foundation's `JSONDecoder` accepts with
/// `allowsJSON5`: comments, trailing commas, unquoted identifier keys, single-quoted strings,
/// hexadecimal, leading/trailing decimal points, `+`, `Infinity` and `NaN`; no control characters in
/// strings, no `\v`/`\0` escapes, no leading zeros. It builds a ``JSON5SourceNode`` tree of kinds
/// and positions, not values.
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

    /// Scans one top-level value surrounded by whitespace and comments and returns its tree.
    mutating func scanDocument() throws(JSON5ScanFailure) -> JSON5SourceNode {
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
    private mutating func scanValue(depth: Int) throws(JSON5ScanFailure) -> JSON5SourceNode {
        var node = JSON5SourceNode(kind: .number, position: position)
        switch current {
        case "{":
            node.kind = .object
            node.members = try scanObject(depth: depth + 1)
        case "[":
            node.kind = .array
            node.elements = try scanArray(depth: depth + 1)
        case "\"", "'":
            node.kind = .string
            _ = try scanString()
        default:
            if current == "t" || current == "f" { node.kind = .bool } else if current == "n" { node.kind = .null }
            try scanLiteral()
        }
        return node
    }

    /// Scans an object's members; a member's node is positioned at its key. Of a repeated key, the
    /// first occurrence is kept (as in `JSONDecoder`) and the others are listed as duplicates.
    private mutating func scanObject(depth: Int) throws(JSON5ScanFailure) -> [String: JSON5SourceNode] {
        guard depth <= Self.maximumDepth else { throw failure(Self.tooDeep) }
        advance()
        var members: [String: JSON5SourceNode] = [:]
        while true {
            try skipTrivia()
            if current == "}" { advance(); return members }
            let keyPosition = position
            let key: String
            switch current {
            case "\"", "'":
                key = try scanString()
            case let scalar? where Self.isIdentifierStart(scalar) || scalar == "\\":
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
            if let first = members[key] {
                duplicateKeys.append(.init(path: ConfigPath(components: pathStack), position: keyPosition,
                                           firstPosition: first.position ?? keyPosition))
            } else {
                member.position = keyPosition
                members[key] = member
            }
            pathStack.removeLast()
            try skipTrivia()
            if current == "," { advance(); continue }
            if current == "}" { advance(); return members }
            throw failure("expected \",\" or \"}\" after the value of \(JSONValue.quoted(key)), found \(foundDescription)")
        }
    }

    /// Scans an array's elements.
    private mutating func scanArray(depth: Int) throws(JSON5ScanFailure) -> [JSON5SourceNode] {
        guard depth <= Self.maximumDepth else { throw failure(Self.tooDeep) }
        advance()
        var elements: [JSON5SourceNode] = []
        while true {
            try skipTrivia()
            if current == "]" { advance(); return elements }
            pathStack.append(.index(elements.count))
            elements.append(try scanValue(depth: depth))
            pathStack.removeLast()
            try skipTrivia()
            if current == "," { advance(); continue }
            if current == "]" { advance(); return elements }
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
                throw failure("control character U+\(Self.hex(scalar.value, width: 4)) inside a string (write it as an escape)")
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
            case "\n": advance()
            case "\r": advance(); if current == "\n" { advance() }
            case "x", "u":
                advance()
                let digits = escaped == "x" ? 2 : 4
                var value: UInt32 = 0
                for _ in 0..<digits {
                    guard let digit = current, let nibble = Self.hexValue(digit) else {
                        throw failure("invalid \\\(escaped) escape (expected \(digits) hexadecimal digits)", at: escapePosition)
                    }
                    value = value * 16 + nibble
                    advance()
                }
                text.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default:
                throw failure("invalid escape \\\(escaped) inside a string", at: escapePosition)
            }
        }
    }

    /// Scans an unquoted key (an ECMAScript identifier name, `\u` escapes allowed).
    private mutating func scanIdentifier() throws(JSON5ScanFailure) -> String {
        var text = String.UnicodeScalarView()
        while let scalar = current {
            if scalar == "\\" {
                let escapePosition = position
                advance()
                guard current == "u" else { throw failure("invalid escape in a key", at: escapePosition) }
                advance()
                var value: UInt32 = 0
                for _ in 0..<4 {
                    guard let digit = current, let nibble = Self.hexValue(digit) else {
                        throw failure("invalid \\u escape (expected 4 hexadecimal digits)", at: escapePosition)
                    }
                    value = value * 16 + nibble
                    advance()
                }
                text.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            } else if text.isEmpty ? Self.isIdentifierStart(scalar) : Self.isIdentifierPart(scalar) {
                text.append(scalar)
                advance()
            } else {
                break
            }
        }
        return String(text)
    }

    /// Scans `true`, `false`, `null` or a number.
    private mutating func scanLiteral() throws(JSON5ScanFailure) {
        let start = position
        var word = ""
        while let scalar = current, !Self.endsLiteral(scalar) {
            word.unicodeScalars.append(scalar)
            advance()
        }
        if word.isEmpty { throw failure("expected a value, found \(foundDescription)") }
        if ["true", "false", "null"].contains(word) || Self.isNumber(word) { return }
        if let first = word.unicodeScalars.first, Self.isIdentifierStart(first),
           word.unicodeScalars.allSatisfy(Self.isIdentifierPart) {
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

    /// JSON5 numbers: optional sign, then `Infinity`, `NaN`, hexadecimal, or a decimal with optional
    /// leading or trailing point and exponent; no leading zeros.
    static func isNumber(_ word: String) -> Bool {
        var body = Substring(word)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if body == "Infinity" || body == "NaN" { return true }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            let digits = body.dropFirst(2)
            return !digits.isEmpty && digits.unicodeScalars.allSatisfy { hexValue($0) != nil }
        }
        let characters = Array(body.utf8)
        var position = 0
        func digits() -> Int {
            let start = position
            while position < characters.count, characters[position] >= 48, characters[position] <= 57 { position += 1 }
            return position - start
        }
        let integerStart = position
        let integerDigits = digits()
        if integerDigits > 1, characters[integerStart] == 48 { return false }
        var fractionDigits = 0
        if position < characters.count, characters[position] == 46 {
            position += 1
            fractionDigits = digits()
        }
        guard integerDigits + fractionDigits > 0 else { return false }
        if position < characters.count, characters[position] == 101 || characters[position] == 69 {
            position += 1
            if position < characters.count, characters[position] == 43 || characters[position] == 45 { position += 1 }
            guard digits() > 0 else { return false }
        }
        return position == characters.count
    }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "$" || scalar == "_" || scalar.properties.isAlphabetic
    }

    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || scalar.properties.numericType == .decimal
            || scalar.properties.generalCategory == .nonspacingMark
            || scalar.properties.generalCategory == .spacingMark
            || scalar.properties.generalCategory == .connectorPunctuation
            || scalar == "\u{200C}" || scalar == "\u{200D}"
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
