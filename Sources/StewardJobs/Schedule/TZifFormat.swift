/// Reading and writing TZif, the binary time zone format of the zoneinfo directory (RFC 8536,
/// versions 1 to 4).
///
/// Reading uses the 64-bit data block of version 2 and later files (the 32-bit block of version
/// 1 files) and the footer's POSIX TZ rule. Leap-second records (the `right/` zones) are skipped:
/// offsets are those of POSIX time. Writing produces the smallest valid version 3 file for some
/// ``ZoneRules`` (an empty 32-bit block, no designations), the form the built-in data stores.
enum TZifFormat {
    /// Why bytes are not a TZif file.
    struct FormatError: Error, Hashable, Sendable {
        let message: String
    }

    /// The rules a TZif file holds.
    /// - Throws: ``FormatError`` naming what is wrong.
    static func parse(_ bytes: [UInt8]) throws(FormatError) -> ZoneRules {
        var reader = Reader(bytes: bytes)
        let first = try reader.header(timeSize: 4)
        guard first.version >= UInt8(ascii: "2") else {
            return try reader.dataBlock(first, timeSize: 4)
        }
        try reader.skip(first.dataSize(timeSize: 4), "the version 1 data block")
        let second = try reader.header(timeSize: 8)
        let body = try reader.dataBlock(second, timeSize: 8)
        guard reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: "\n") else {
            throw FormatError(message: "the footer does not start with a newline")
        }
        guard let end = bytes[(reader.index + 1)...].firstIndex(of: UInt8(ascii: "\n")) else {
            throw FormatError(message: "the footer does not end with a newline")
        }
        let text = String(decoding: bytes[(reader.index + 1)..<end], as: UTF8.self)
        guard !text.isEmpty else { return body }
        do {
            var rules = body
            rules.footer = try PosixZoneRule(text)
            return rules
        } catch {
            throw FormatError(message: "invalid footer rule \"\(text)\": \(error.message)")
        }
    }

    /// `rules` as a version 3 TZif file.
    static func encode(_ rules: ZoneRules) -> [UInt8] {
        var types: [Int] = [rules.initialOffset]
        for offset in rules.offsets where !types.contains(offset) { types.append(offset) }
        var bytes: [UInt8] = []
        func header(timeCount: Int, typeCount: Int) {
            bytes += Array("TZif3".utf8) + [UInt8](repeating: 0, count: 15)
            for count in [0, 0, 0, timeCount, typeCount, 1] { append(count, size: 4) }
        }
        func append(_ value: Int, size: Int) {
            for shift in stride(from: (size - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        header(timeCount: 0, typeCount: 1)
        append(rules.initialOffset, size: 4)
        bytes += [0, 0, 0]
        header(timeCount: rules.transitions.count, typeCount: types.count)
        for instant in rules.transitions { append(instant, size: 8) }
        for offset in rules.offsets { bytes.append(UInt8(types.firstIndex(of: offset) ?? 0)) }
        for offset in types {
            append(offset, size: 4)
            bytes += [0, 0]
        }
        bytes.append(0)
        bytes += Array("\n\(rules.footer?.text ?? "")\n".utf8)
        return bytes
    }

    /// The six counts of a header.
    struct Header {
        var version: UInt8
        var isUTCount, isStandardCount, leapCount, timeCount, typeCount, characterCount: Int

        /// The size of the version 1 data block of `bytes` (for tests that rewrite headers).
        static func versionOneDataSize(_ bytes: [UInt8]) throws(FormatError) -> Int {
            var reader = Reader(bytes: bytes)
            return try reader.header(timeSize: 4).dataSize(timeSize: 4)
        }

        func dataSize(timeSize: Int) -> Int {
            timeCount * (timeSize + 1) + typeCount * 6 + characterCount + leapCount * (timeSize + 4) + isStandardCount + isUTCount
        }
    }

    /// A cursor over the file's bytes.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skip(_ count: Int, _ what: String) throws(FormatError) {
            guard count <= bytes.count - index else { throw FormatError(message: "the file ends inside \(what)") }
            index += count
        }

        mutating func integer(size: Int, _ what: String) throws(FormatError) -> Int {
            let start = index
            try skip(size, what)
            var value = Int(Int8(bitPattern: bytes[start]))
            for byte in bytes[(start + 1)..<index] { value = value << 8 | Int(byte) }
            return value
        }

        mutating func header(timeSize: Int) throws(FormatError) -> Header {
            guard bytes.count - index >= 44, bytes[index..<(index + 4)].elementsEqual("TZif".utf8) else {
                throw FormatError(message: index == 0 ? "not a TZif file (no \"TZif\" magic)" : "the second TZif header is missing")
            }
            let version = bytes[index + 4]
            guard version == 0 || (UInt8(ascii: "2")...UInt8(ascii: "4")).contains(version) else {
                throw FormatError(message: "unsupported TZif version byte \(version)")
            }
            index += 20
            var counts: [Int] = []
            for name in ["isutcnt", "isstdcnt", "leapcnt", "timecnt", "typecnt", "charcnt"] {
                let count = try integer(size: 4, name)
                guard (0...1_000_000).contains(count) else { throw FormatError(message: "\(name) \(count) is out of range") }
                counts.append(count)
            }
            let header = Header(version: version, isUTCount: counts[0], isStandardCount: counts[1], leapCount: counts[2],
                                timeCount: counts[3], typeCount: counts[4], characterCount: counts[5])
            guard header.typeCount >= 1, header.characterCount >= 1 else {
                throw FormatError(message: "typecnt and charcnt must be at least 1")
            }
            guard [0, header.typeCount].contains(header.isUTCount), [0, header.typeCount].contains(header.isStandardCount) else {
                throw FormatError(message: "isutcnt and isstdcnt must be 0 or typecnt")
            }
            guard header.dataSize(timeSize: timeSize) <= bytes.count - index else {
                throw FormatError(message: "the file is shorter than its header's counts say")
            }
            return header
        }

        mutating func dataBlock(_ header: Header, timeSize: Int) throws(FormatError) -> ZoneRules {
            var transitions: [Int] = []
            for _ in 0..<header.timeCount {
                let instant = try integer(size: timeSize, "the transition times")
                guard transitions.last.map({ $0 < instant }) ?? true else {
                    throw FormatError(message: "transition times are not in ascending order")
                }
                transitions.append(instant)
            }
            var indices: [Int] = []
            for _ in 0..<header.timeCount {
                let type = try integer(size: 1, "the transition types") & 0xFF
                guard type < header.typeCount else { throw FormatError(message: "transition type \(type) is out of range") }
                indices.append(type)
            }
            var types: [Int] = []
            for _ in 0..<header.typeCount {
                let offset = try integer(size: 4, "the local time types")
                guard offset != Int(Int32.min), abs(offset) < 7 * 86_400 else { throw FormatError(message: "UT offset \(offset) is out of range") }
                types.append(offset)
                let isDaylight = try integer(size: 1, "the local time types")
                let designation = try integer(size: 1, "the local time types") & 0xFF
                guard isDaylight == 0 || isDaylight == 1, designation < header.characterCount else {
                    throw FormatError(message: "a local time type has an invalid isdst or designation index")
                }
            }
            try skip(header.characterCount + header.leapCount * (timeSize + 4) + header.isStandardCount + header.isUTCount,
                     "the designations and indicators")
            return ZoneRules(transitions: transitions, offsets: indices.map { types[$0] }, initialOffset: types[0], footer: nil)
        }
    }
}
