/// Standard base64 (RFC 4648, with `=` padding) for the built-in zone data, without Foundation.
enum Base64Text {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` as base64 text.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var chunk = 0
            for offset in 0..<3 {
                chunk = chunk << 8 | (offset < count ? Int(bytes[index + offset]) : 0)
            }
            for position in 0..<4 {
                output.append(position <= count ? alphabet[(chunk >> (18 - 6 * position)) & 63] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or `nil` when it is not valid padded base64.
    static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var chunk = 0, filled = 0, padding = 0
        for character in text {
            let value: Int
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = Int(character) - 65
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = Int(character) - 71
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(character) + 4
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="): value = 0; padding += 1
            default: return nil
            }
            guard padding == 0 || character == UInt8(ascii: "=") else { return nil }
            chunk = chunk << 6 | value
            filled += 1
            if filled == 4 {
                output.append(UInt8(chunk >> 16 & 255))
                output.append(UInt8(chunk >> 8 & 255))
                output.append(UInt8(chunk & 255))
                chunk = 0
                filled = 0
            }
        }
        guard padding <= 2 else { return nil }
        output.removeLast(padding)
        return output
    }
}
