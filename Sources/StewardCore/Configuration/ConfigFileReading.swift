#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file named by a `NAME_FILE` variable could not be read; `description` is the OS reason
/// (e.g. `"No such file or directory"`) and never contains file contents.
struct ConfigFileReadError: Error, CustomStringConvertible {
    var description: String
}

/// Reads whole files as UTF-8 text with plain POSIX calls (no Foundation file APIs).
enum ConfigFileReading {
    static func read(atPath path: String) throws -> String {
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
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigFileReadError(description: "the file is not valid UTF-8 text")
        }
        return text
    }

    private static func systemError(_ code: Int32) -> ConfigFileReadError {
        ConfigFileReadError(description: String(cString: strerror(code)))
    }
}
