/// Where text stops being UTF-8, so that "not valid UTF-8" can point at the byte instead of
/// naming the whole file.
package enum UTF8Validation {
    /// The first invalid byte of some text: its offset, and its 1-based line and column.
    package struct Position: Sendable, Equatable {
        /// 0-based byte offset.
        package var offset: Int
        /// 1-based line: lines end at `\n`, `\r\n` or a lone `\r`, as the config scanner counts.
        package var line: Int
        /// 1-based column, counted in Unicode scalars as the config scanner counts.
        package var column: Int
        /// The offending byte.
        package var byte: UInt8

        /// The byte as `0xFF`.
        package var byteText: String {
            let digits = String(byte, radix: 16, uppercase: true)
            return "0x" + (digits.count == 1 ? "0" + digits : digits)
        }
    }

    /// The first byte of `bytes` that does not belong to a valid UTF-8 sequence; `nil` when all
    /// of it is valid. One pass; meant for text already known to be invalid.
    package static func firstInvalidByte(in bytes: [UInt8]) -> Position? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        var line = 1
        var column = 1
        var previousWasCR = false
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let first = encoded.first ?? 0
                if first == 0x0A {
                    if !previousWasCR { line += 1 }
                    column = 1
                } else if first == 0x0D {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                previousWasCR = first == 0x0D
                offset += encoded.count
            case .emptyInput:
                return nil
            case .error:
                return Position(offset: offset, line: line, column: column, byte: bytes[offset])
            }
        }
    }
}
