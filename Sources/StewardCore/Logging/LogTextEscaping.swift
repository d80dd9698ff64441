/// Byte-level quoting and escaping for the three log formats, appending UTF-8 to a `[UInt8]` line
/// buffer. Every function has a fast path: text that needs no escaping is copied with one `memcpy`.
enum LogTextEscaping {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    // MARK: logfmt

    /// Whether a logfmt value must be quoted: it is empty, or contains a space, `=`, `"`, `\`, or an
    /// ASCII control character (including DEL).
    static func logfmtNeedsQuoting(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        for byte in bytes where byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            return true
        }
        return false
    }

    /// Appends a logfmt value, quoted when needed (or always when `alwaysQuote`). Inside quotes `"`
    /// and `\` are backslash-escaped, newline/CR/tab become `\n`/`\r`/`\t`, and other control
    /// characters become `\u00XX`, so the value never spans lines.
    static func appendLogfmtValue(_ value: String, alwaysQuote: Bool = false, to buffer: inout [UInt8]) {
        withUTF8(value) { bytes in
            guard alwaysQuote || logfmtNeedsQuoting(bytes) else {
                buffer.append(contentsOf: bytes)
                return
            }
            buffer.append(UInt8(ascii: "\""))
            appendEscaped(bytes, to: &buffer, escapesBackslashAndQuote: true, forJSON: false)
            buffer.append(UInt8(ascii: "\""))
        }
    }

    /// Appends a logfmt key. Keys are never quoted in logfmt, so bytes that would end or confuse a
    /// key (space, `=`, `"`, control characters) are replaced by `_`; an empty key becomes `_`.
    static func appendLogfmtKey(_ key: String, to buffer: inout [UInt8]) {
        withUTF8(key) { bytes in
            if bytes.isEmpty {
                buffer.append(UInt8(ascii: "_"))
                return
            }
            @inline(__always) func invalid(_ byte: UInt8) -> Bool {
                byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
            }
            guard bytes.contains(where: invalid) else {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                buffer.append(invalid(byte) ? UInt8(ascii: "_") : byte)
            }
        }
    }

    // MARK: JSON

    /// Appends `text` as a JSON string literal, quotes included (RFC 8259): `"` and `\` are escaped,
    /// control characters become `\b \f \n \r \t` or `\u00XX`, DEL becomes `\u007f`, and the invisible
    /// U+2028, U+2029 and U+FEFF become `\u2028`, `\u2029`, `\ufeff` (valid JSON either way, but line
    /// separators break some JavaScript consumers and some parsers drop a raw U+FEFF as a byte-order
    /// mark). Other non-ASCII characters are copied as UTF-8.
    static func appendJSONString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        withUTF8(text) { bytes in
            appendEscaped(bytes, to: &buffer, escapesBackslashAndQuote: true, forJSON: true)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    // MARK: human

    /// Appends `text` unquoted, escaping only what would break the line or the terminal: control
    /// characters (`\n`, `\r`, `\t`, `\u001b`, ...). Quotes and backslashes are kept as they are.
    static func appendHumanText(_ text: String, to buffer: inout [UInt8]) {
        withUTF8(text) { bytes in
            appendEscaped(bytes, to: &buffer, escapesBackslashAndQuote: false, forJSON: false)
        }
    }

    // MARK: shared

    /// Appends `bytes`, escaping control characters and DEL; optionally `"` and `\`; and, `forJSON`,
    /// `\b`/`\f` by letter and U+2028, U+2029, U+FEFF as `\uXXXX`.
    /// Runs of bytes that need no escaping are appended in one piece.
    private static func appendEscaped(
        _ bytes: UnsafeBufferPointer<UInt8>,
        to buffer: inout [UInt8],
        escapesBackslashAndQuote: Bool,
        forJSON: Bool
    ) {
        var runStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            var escape: (UInt8, UInt16)? = nil  // (letter, code) — letter 0 means \uXXXX with code
            var width = 1
            switch byte {
            case 0x22, 0x5C:  // " and \
                if escapesBackslashAndQuote { escape = (byte, 0) }
            case 0x0A: escape = (UInt8(ascii: "n"), 0)
            case 0x0D: escape = (UInt8(ascii: "r"), 0)
            case 0x09: escape = (UInt8(ascii: "t"), 0)
            case 0x08 where forJSON: escape = (UInt8(ascii: "b"), 0)
            case 0x0C where forJSON: escape = (UInt8(ascii: "f"), 0)
            case 0x00..<0x20, 0x7F: escape = (0, UInt16(byte))
            case 0xE2 where forJSON && index + 2 < count
                && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                escape = (0, bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                width = 3
            case 0xEF where forJSON && index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:
                escape = (0, 0xFEFF)
                width = 3
            default:
                break
            }
            guard let (letter, code) = escape else {
                index += 1
                continue
            }
            if runStart < index {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
            buffer.append(UInt8(ascii: "\\"))
            if letter != 0 {
                buffer.append(letter)
            } else {
                buffer.append(UInt8(ascii: "u"))
                buffer.append(hexDigits[Int(code >> 12 & 0xF)])
                buffer.append(hexDigits[Int(code >> 8 & 0xF)])
                buffer.append(hexDigits[Int(code >> 4 & 0xF)])
                buffer.append(hexDigits[Int(code & 0xF)])
            }
            index += width
            runStart = index
        }
        if runStart < count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
        }
    }

    /// Calls `body` with the contiguous UTF-8 of `text` (no copy for native strings).
    @inline(__always)
    static func withUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = text
        return text.withUTF8(body)
    }
}
