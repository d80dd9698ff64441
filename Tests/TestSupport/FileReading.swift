#if canImport(Glibc)
import Glibc
#endif

extension String {
    /// Reads a small file (a /proc entry, a test's log file) with plain system calls.
    public init(contentsOfProcFile path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TestSupportError("open \(path)") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 65536)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { throw TestSupportError("read \(path)") }
        self = String(decoding: bytes[0..<count], as: UTF8.self)
    }
}
