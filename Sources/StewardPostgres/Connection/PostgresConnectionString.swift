/// Parses `postgresql://[user[:password]@][host[:port][,host[:port]…]][/dbname][?key=value&…]`
/// into keyword–value pairs, percent-decoding each part. Positions in errors are 1-based
/// character offsets into the URL.
enum PostgresURLParser {
    static func parse(_ url: String) throws(PostgresError) -> [(key: String, value: String)] {
        let characters = Array(url)
        let schemeLength = url.hasPrefix("postgresql://") ? 13 : 11
        var pairs: [(key: String, value: String)] = []
        var index = schemeLength
        let queryStart = characters[index...].firstIndex(of: "?") ?? characters.count
        let pathStart = characters[index..<queryStart].firstIndex(of: "/") ?? queryStart
        // Authority: user info up to the last '@', then hosts.
        var hostStart = index
        if let at = characters[index..<pathStart].lastIndex(of: "@") {
            let info = index..<at
            if let colon = characters[info].firstIndex(of: ":") {
                pairs.append((key: "user", value: try decode(characters, index..<colon)))
                pairs.append((key: "password", value: try decode(characters, (colon + 1)..<at)))
            } else {
                pairs.append((key: "user", value: try decode(characters, info)))
            }
            hostStart = at + 1
        }
        if hostStart < pathStart {
            var hosts: [String] = []
            var ports: [String] = []
            var start = hostStart
            while start <= pathStart {
                let end = characters[start..<pathStart].firstIndex(of: ",") ?? pathStart
                let (host, port) = try hostAndPort(characters, start..<end)
                hosts.append(host)
                ports.append(port ?? "")
                start = end + 1
            }
            if hosts.contains(where: { !$0.isEmpty }) { pairs.append((key: "host", value: hosts.joined(separator: ","))) }
            if ports.contains(where: { !$0.isEmpty }) {
                if let empty = ports.firstIndex(where: \.isEmpty), ports.count > 1 {
                    throw invalid("host \(empty + 1) has no port while others have one", at: hostStart)
                }
                pairs.append((key: "port", value: ports.joined(separator: ",")))
            }
        }
        if pathStart < queryStart, pathStart + 1 < queryStart {
            pairs.append((key: "dbname", value: try decode(characters, (pathStart + 1)..<queryStart)))
        }
        index = queryStart + 1
        while index < characters.count {
            let end = characters[index...].firstIndex(of: "&") ?? characters.count
            if index < end {
                guard let equals = characters[index..<end].firstIndex(of: "=") else {
                    throw invalid("a query parameter needs key=value", at: index)
                }
                let key = try decode(characters, index..<equals)
                guard !key.isEmpty else { throw invalid("a query parameter has no key", at: index) }
                pairs.append((key: key, value: try decode(characters, (equals + 1)..<end)))
            }
            index = end + 1
        }
        return pairs
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`.
    private static func hostAndPort(_ characters: [Character], _ range: Range<Int>) throws(PostgresError) -> (String, String?) {
        var hostEnd = range.upperBound
        let host: String
        if range.lowerBound < range.upperBound, characters[range.lowerBound] == "[" {
            guard let close = characters[range].firstIndex(of: "]") else {
                throw invalid("an IPv6 address in brackets has no ']'", at: range.lowerBound)
            }
            host = String(characters[(range.lowerBound + 1)..<close])
            hostEnd = close + 1
            guard hostEnd == range.upperBound || characters[hostEnd] == ":" else {
                throw invalid("expected ':' after ']'", at: hostEnd)
            }
        } else {
            hostEnd = characters[range].firstIndex(of: ":") ?? range.upperBound
            host = try decode(characters, range.lowerBound..<hostEnd)
        }
        guard hostEnd < range.upperBound else { return (host, nil) }
        let port = String(characters[(hostEnd + 1)..<range.upperBound])
        guard let number = Int(port), (1...65_535).contains(number) else {
            throw invalid("the port must be a number from 1 to 65535 (got '\(port)')", at: hostEnd + 1)
        }
        return (host, port)
    }

    /// Percent-decodes `characters[range]`.
    private static func decode(_ characters: [Character], _ range: Range<Int>) throws(PostgresError) -> String {
        var bytes: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let character = characters[index]
            if character == "%" {
                guard index + 2 < range.upperBound,
                      let high = characters[index + 1].hexDigitValue, let low = characters[index + 2].hexDigitValue else {
                    throw invalid("'%' must be followed by two hexadecimal digits", at: index)
                }
                bytes.append(UInt8(high * 16 + low))
                index += 3
            } else {
                bytes.append(contentsOf: Array(String(character).utf8))
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func invalid(_ message: String, at index: Int) -> PostgresError {
        PostgresConfiguration.invalid("position \(index + 1): \(message)")
    }
}

/// Parses libpq's keyword form, `key=value key='quoted \' value'`, into pairs. Positions in
/// errors are 1-based character offsets.
enum PostgresKeywordParser {
    static func parse(_ text: String) throws(PostgresError) -> [(key: String, value: String)] {
        let characters = Array(text)
        var pairs: [(key: String, value: String)] = []
        var index = 0
        func skipSpaces() { while index < characters.count, characters[index].isWhitespace { index += 1 } }
        while true {
            skipSpaces()
            guard index < characters.count else { return pairs }
            let keyStart = index
            while index < characters.count, characters[index] != "=", !characters[index].isWhitespace { index += 1 }
            let key = String(characters[keyStart..<index])
            skipSpaces()
            guard index < characters.count, characters[index] == "=" else {
                throw invalid("expected '=' after the key '\(key)'", at: index)
            }
            guard !key.isEmpty else { throw invalid("'=' without a key", at: index) }
            index += 1
            skipSpaces()
            var value = ""
            if index < characters.count, characters[index] == "'" {
                let quoteStart = index
                index += 1
                while true {
                    guard index < characters.count else {
                        throw invalid("the quoted value of '\(key)' has no closing quote", at: quoteStart)
                    }
                    let character = characters[index]
                    if character == "'" { index += 1; break }
                    if character == "\\", index + 1 < characters.count {
                        value.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    value.append(character)
                    index += 1
                }
            } else {
                while index < characters.count, !characters[index].isWhitespace {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    value.append(characters[index])
                    index += 1
                }
            }
            pairs.append((key: key, value: value))
        }
    }

    private static func invalid(_ message: String, at index: Int) -> PostgresError {
        PostgresConfiguration.invalid("position \(index + 1): \(message)")
    }
}
