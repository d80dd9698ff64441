import Foundation

/// A fresh directory under /tmp for one test, removed with everything in it when released.
public final class TemporaryDirectory: Sendable {
    /// Its path.
    public let path: String

    /// Creates `/tmp/steward-<label>-<pid>-<random>`.
    public init(_ label: String) throws {
        path = "/tmp/steward-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
