#if canImport(Glibc)
import Glibc
#endif

/// Reading a zone file safely: a regular file (symbolic links followed), at most
/// ``maximumSize`` bytes.
enum ZoneFile {
    /// The largest zone file read; real TZif files are under 10 KiB.
    static let maximumSize = 256 * 1_024

    /// The outcome of reading a path.
    enum Outcome {
        case bytes([UInt8])
        /// Nothing there, or a directory (not a zone).
        case missing
        /// Something there that cannot be read as a zone file; the reason.
        case unreadable(String)
    }

    /// The bytes of the file at `path`.
    static func read(_ path: String) -> Outcome {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { return .missing }
            return .unreadable("cannot open \(path): \(String(cString: strerror(error)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .unreadable("cannot stat \(path)") }
        if status.st_mode & S_IFMT == S_IFDIR { return .missing }
        guard status.st_mode & S_IFMT == S_IFREG else { return .unreadable("\(path) is not a regular file") }
        guard status.st_size <= maximumSize else { return .unreadable("\(path) is larger than \(maximumSize) bytes") }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if result < 0, errno == EINTR { continue }
            guard result >= 0 else { return .unreadable("cannot read \(path): \(String(cString: strerror(errno)))") }
            if result == 0 { break }
            count += result
        }
        guard count <= maximumSize else { return .unreadable("\(path) is larger than \(maximumSize) bytes") }
        return .bytes(Array(bytes[..<count]))
    }

    /// The target of the symbolic link at `path`, or `nil`.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4_096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
