/// The character classes of JSON5 text: identifier keys and hexadecimal digits.
enum JSON5Characters {
    /// Whether an unquoted key may start with `scalar` (ECMAScript `IdentifierStart`).
    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "$" || scalar == "_" || scalar.properties.isAlphabetic
    }

    /// Whether an unquoted key may go on with `scalar` (ECMAScript `IdentifierPart`).
    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || scalar.properties.numericType == .decimal
            || scalar.properties.generalCategory == .nonspacingMark
            || scalar.properties.generalCategory == .spacingMark
            || scalar.properties.generalCategory == .connectorPunctuation
            || scalar == "\u{200C}" || scalar == "\u{200D}"
    }

    /// The value of a hexadecimal digit; `nil` for any other character.
    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    /// `value` in uppercase hexadecimal, zero-padded to `width` digits.
    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
