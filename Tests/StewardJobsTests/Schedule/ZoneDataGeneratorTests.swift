@testable import StewardJobs
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built-in zone data is what the generator makes of this machine's zoneinfo directory.
@Suite struct ZoneDataGeneratorTests {
    static let directory = ZoneDatabase.defaultDirectory

    /// The committed file matches the generator's output when this machine has the same tzdata
    /// release; `.ci/generate-zone-data` rewrites it (STEWARD_WRITE_ZONE_DATA names the file).
    @Test(.enabled(if: ZoneDataGenerator.version(of: directory) == EmbeddedZoneData.version
                   || getenv("STEWARD_WRITE_ZONE_DATA") != nil))
    func committedFileMatchesTheGenerator() throws {
        let source = try ZoneDataGenerator.source(from: Self.directory)
        if let path = getenv("STEWARD_WRITE_ZONE_DATA").map({ String(cString: $0) }) {
            let file = try #require(fopen(path, "w"))
            fputs(source, file)
            fclose(file)
            return
        }
        let committed = try #require(Self.committedSource())
        #expect(committed == source, "EmbeddedZoneData.swift is stale: run .ci/generate-zone-data")
    }

    /// The committed generated file, found from this source file's path.
    static func committedSource(filePath: String = #filePath) -> String? {
        var root = filePath
        for _ in 0..<4 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        guard let file = fopen(root + "/Sources/StewardJobs/Schedule/EmbeddedZoneData.swift", "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
