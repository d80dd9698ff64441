/// Writes the control characters of untrusted text (a config file's keys, values and paths) as
/// visible escapes, so that a message quoting it stays one line and cannot drive the terminal:
/// no escape sequence (ESC, or the C1 CSI U+009B) reaches it, and no line break forges an
/// extra line of `steward check`'s output.
///
/// One notation for every message of the config loaders, Swift's: `\n`, `\r` and `\t`, and
/// `\u{XX}` (uppercase hexadecimal) for every other C0 control, DEL and C1 control:
/// `"\u{1B}[31m"` for ESC `[31m`.
package enum ControlCharacterEscaping {
    /// Whether `scalar` is escaped: U+0000–U+001F, U+007F (DEL) or U+0080–U+009F (C1).
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }

    /// `text` with every control character escaped; other characters (quotes and backslashes
    /// included) are kept as they are.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) { result.append(contentsOf: escape(scalar).unicodeScalars) } else { result.append(scalar) }
        }
        return String(result)
    }

    /// The escape of one control character: `\n`, `\r`, `\t` or `\u{1B}`.
    package static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let digits = String(scalar.value, radix: 16, uppercase: true)
            return "\\u{" + (digits.count == 1 ? "0" + digits : digits) + "}"
        }
    }
}
