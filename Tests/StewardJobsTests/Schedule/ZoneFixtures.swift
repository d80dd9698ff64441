@testable import StewardJobs
#if canImport(Glibc)
import Glibc
#endif

/// Temporary zoneinfo directories and files for the zone tests.
enum ZoneFixtures {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A new empty directory.
    static func directory() throws -> String {
        var template = Array("/tmp/steward-zones-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed") }
        return String(cString: made)
    }

    /// Writes `bytes` to `path`, creating its parent directory.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        mkdir(parent, 0o755)
        guard let file = fopen(path, "w") else { throw Failure(description: "cannot write \(path)") }
        defer { fclose(file) }
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw Failure(description: "short write to \(path)") }
    }

    /// The bytes of the system's TZif file for `name`.
    static func systemFile(_ name: String) throws -> [UInt8] {
        guard case .bytes(let bytes) = ZoneFile.read("/usr/share/zoneinfo/" + name) else {
            throw Failure(description: "no zone file \(name)")
        }
        return bytes
    }
}
