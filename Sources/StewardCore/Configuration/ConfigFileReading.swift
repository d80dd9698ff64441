#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A config file could not be read; `description` says why and never contains file contents:
/// the OS reason (`No such file or directory`), `not a regular file (a FIFO)`,
/// `larger than 1 MiB (2000000 bytes)`, or `not valid UTF-8 text (byte 0xFF)` (then ``position``
/// says where).
package struct ConfigFileReadError: Error, CustomStringConvertible {
    package var description: String
    /// Where the first invalid UTF-8 byte is, for text that is not UTF-8.
    package var position: UTF8Validation.Position?

    init(_ description: String, position: UTF8Validation.Position? = nil) {
        self.description = description
        self.position = position
    }
}

/// Reads whole files with plain POSIX calls (no Foundation file APIs). Shared by every config
/// reader of the package (environment `_FILE` values, `.env` files, the supervisor's config).
///
/// Only regular files are read, and only up to a size limit: a config naming `/dev/zero` would
/// otherwise be read until memory runs out, and one naming a FIFO would wait for a writer
/// forever. The file is opened without blocking (`O_NONBLOCK`: opening a FIFO does not wait),
/// without becoming a controlling terminal (`O_NOCTTY`), and its type and size are checked on
/// the open descriptor (`fstat`), so nothing can swap the file between check and read.
package enum ConfigFileReading {
    /// The default limit: 1 MiB, far above any `.env` file or secret.
    package static let defaultLimit = 1 << 20

    /// The file's contents as UTF-8 text.
    /// - Throws: the reasons of ``readBytes(atPath:limit:)``, or `not valid UTF-8 text` with the
    ///   line and column of the first bad byte.
    package static func read(atPath path: String, limit: Int = defaultLimit) throws(ConfigFileReadError) -> String {
        let bytes = try readBytes(atPath: path, limit: limit)
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let position = UTF8Validation.firstInvalidByte(in: bytes)
        throw ConfigFileReadError("not valid UTF-8 text" + (position.map { " (byte \($0.byteText))" } ?? ""), position: position)
    }

    /// The bytes of the regular file at `path`, at most `limit` of them.
    /// - Throws: the OS reason (`No such file or directory`); `not a regular file (a FIFO)`;
    ///   `larger than 1 MiB (2000000 bytes)`.
    package static func readBytes(atPath path: String, limit: Int = defaultLimit) throws(ConfigFileReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw systemError(errno) }
        defer { _ = close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw systemError(errno) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigFileReadError("not a regular file (\(typeName(status.st_mode)))")
        }
        guard Int(status.st_size) <= limit else { throw tooLarge(Int(status.st_size), limit: limit) }
        // Files in /proc report size 0 and files may grow while read: read at most one byte past
        // the limit, which tells "too large" without reading the rest.
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let wanted = min(buffer.count, limit + 1 - bytes.count)
            let count = buffer.withUnsafeMutableBytes { raw in
                #if canImport(Glibc)
                Glibc.read(descriptor, raw.baseAddress, wanted)
                #else
                Darwin.read(descriptor, raw.baseAddress, wanted)
                #endif
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw systemError(errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit { throw tooLarge(nil, limit: limit) }
        }
    }

    /// `1 MiB`, `4 MiB`, `512 KiB` or `100 bytes`.
    package static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// `larger than 1 MiB (2000000 bytes)`; without the size when it is not known.
    private static func tooLarge(_ size: Int?, limit: Int) -> ConfigFileReadError {
        ConfigFileReadError("larger than \(sizeText(limit))" + (size.map { " (\($0) bytes)" } ?? ""))
    }

    /// What kind of file `mode` describes, with an article: `a FIFO`, `a character device`.
    private static func typeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "an unknown kind of file"
        }
    }

    private static func systemError(_ code: Int32) -> ConfigFileReadError {
        ConfigFileReadError(String(cString: strerror(code)))
    }
}
