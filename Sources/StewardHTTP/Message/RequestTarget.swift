/// A request target split into its decoded path and query items.
///
/// Accepts origin-form (`/path?query`), absolute-form (`http://host/path?query`, only the path and
/// query are kept) and, for `OPTIONS`, asterisk-form (`*`). Percent escapes must be well formed and
/// decode to UTF-8; `+` means a space in the query only.
struct RequestTarget: Sendable, Equatable {
    /// The decoded path, e.g. `/readyz/web`.
    var path: String
    /// The raw query (after `?`, without it), or `nil` when the target has no `?`.
    var query: String?
    /// The decoded query items, in order.
    var queryItems: [HTTPQueryItem]

    /// Parses `target`; `nil` if it is malformed.
    init?(_ target: String) {
        var bytes = Array(target.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy(ASCII.isTargetCharacter) else { return nil }
        if bytes == [0x2A] {  // "*"
            self.path = "*"
            self.query = nil
            self.queryItems = []
            return
        }
        if bytes.first != ASCII.slash {
            guard let originForm = Self.stripScheme(bytes) else { return nil }
            bytes = originForm
        }
        let questionMark = bytes.firstIndex(of: ASCII.question)
        let rawPath = bytes[..<(questionMark ?? bytes.endIndex)]
        guard let path = Self.percentDecoded(rawPath, plusAsSpace: false) else { return nil }
        self.path = path
        guard let questionMark else {
            self.query = nil
            self.queryItems = []
            return
        }
        let rawQuery = bytes[(questionMark + 1)...]
        self.query = String(decoding: rawQuery, as: UTF8.self)
        var items: [HTTPQueryItem] = []
        for part in rawQuery.split(separator: 0x26, omittingEmptySubsequences: true) {  // "&"
            let equals = part.firstIndex(of: 0x3D)  // "="
            guard let name = Self.percentDecoded(part[..<(equals ?? part.endIndex)], plusAsSpace: true) else { return nil }
            var value: String?
            if let equals {
                guard let decoded = Self.percentDecoded(part[(equals + 1)...], plusAsSpace: true) else { return nil }
                value = decoded
            }
            items.append(HTTPQueryItem(name: name, value: value))
        }
        self.queryItems = items
    }

    /// `http://authority/rest` → `/rest` (or `/` when there is no path).
    private static func stripScheme(_ bytes: [UInt8]) -> [UInt8]? {
        let lower = bytes.map(ASCII.lowercased)
        let schemes: [[UInt8]] = [Array("http://".utf8), Array("https://".utf8)]
        guard let scheme = schemes.first(where: { lower.starts(with: $0) }) else { return nil }
        let authorityStart = scheme.count
        guard authorityStart < bytes.count else { return nil }
        let rest = bytes[authorityStart...]
        guard let pathStart = rest.firstIndex(where: { $0 == ASCII.slash || $0 == ASCII.question }) else { return [ASCII.slash] }
        guard pathStart > authorityStart else { return nil }  // empty authority
        return bytes[pathStart] == ASCII.slash ? Array(bytes[pathStart...]) : [ASCII.slash] + bytes[pathStart...]
    }

    /// Decodes `%XX` escapes (and `+` when asked); `nil` for a bad escape or invalid UTF-8.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>, plusAsSpace: Bool) -> String? {
        guard bytes.contains(where: { $0 == ASCII.percent || (plusAsSpace && $0 == ASCII.plus) }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == ASCII.percent {
                guard index + 2 < bytes.endIndex,
                      let high = ASCII.hexValue(bytes[index + 1]), let low = ASCII.hexValue(bytes[index + 2]) else { return nil }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(plusAsSpace && byte == ASCII.plus ? ASCII.space : byte)
                index += 1
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }
}
