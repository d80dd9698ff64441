/// Lookup in the built-in zone data (``EmbeddedZoneData``): one zone a line, its name, a space,
/// then either its rules from 1970 on as a base64 TZif file or `=` and the zone whose rules it
/// shares.
enum BuiltInZones {
    /// Each zone's text after the name, by name; built on first use.
    private static let index: [Substring: Substring] = {
        var index: [Substring: Substring] = [:]
        for line in EmbeddedZoneData.table.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            index[line[..<space]] = line[line.index(after: space)...]
        }
        return index
    }()

    /// Every zone name, sorted.
    static var identifiers: [String] { index.keys.map(String.init).sorted() }

    /// The TZif bytes of the zone `name`, or `nil` when the data has no such zone.
    static func bytes(named name: String) -> [UInt8]? {
        var entry = index[Substring(name)]
        // Follow at most a few "=" references (the generator writes one level).
        for _ in 0..<4 {
            guard let text = entry, text.hasPrefix("=") else { break }
            entry = index[text.dropFirst()]
        }
        guard let entry, !entry.hasPrefix("=") else { return nil }
        return Base64Text.decode(entry.utf8)
    }
}
