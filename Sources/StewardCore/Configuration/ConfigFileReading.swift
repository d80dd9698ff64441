#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file named by a `NAME_FILE` variable could not be read; `description` is the OS reason
/// (e.g. `"No such file or directory"`) and never contains file contents.
package struct ConfigFileReadError: Error, CustomStringConvertible {
    package var description: String
}

/// Reads whole files with plain POSIX calls (no Foundation file APIs). Shared by every config
/// reader of the package (environment `_FILE` values, `.env` files, the supervisor's config).
package enum ConfigFileReading {
    /// The file's contents as UTF-8 text.
    package static func read(atPath path: String) throws(ConfigFileReadError) -> String {
        guard let text = String(validating: try readBytes(atPath: path), as: UTF8.self) else {
            throw ConfigFileReadError(description: "the file is not valid UTF-8 text")
        }
        return text
    }

    /// The file's bytes. Errors carry the OS reason (`No such file or directory`).
    package static func readBytes(atPath path: String) throws(ConfigFileReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemError(errno) }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                #if canImport(Glibc)
                Glibc.read(descriptor, raw.baseAddress, raw.count)
                #else
                Darwin.read(descriptor, raw.baseAddress, raw.count)
                #endif
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw systemError(errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    private static func systemError(_ code: Int32) -> ConfigFileReadError {
        ConfigFileReadError(description: String(cString: strerror(code)))
    }
}
