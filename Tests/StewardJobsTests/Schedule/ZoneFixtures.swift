@testable import StewardJobs
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The directories made by ``ZoneFixtures/directory()``, removed when the test process exits.
private let madeDirectories: Mutex<[String]> = {
    atexit {
        for path in madeDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
    return Mutex([])
}()

/// Temporary zoneinfo directories and files for the zone tests.
enum ZoneFixtures {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A new empty directory, removed with its content when the tests end.
    static func directory() throws -> String {
        var template = Array("/tmp/steward-zones-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        _ = made
        madeDirectories.withLock { $0.append(path) }
        return path
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
