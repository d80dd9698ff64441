#if canImport(Glibc)
import Glibc
#endif

/// Steward's own resource use, read from `/proc/self`.
public struct ResourceUsage: Sendable, Equatable {
    /// Resident memory in bytes.
    public var residentBytes: Int
    /// Open file descriptors.
    public var openDescriptors: Int

    /// Reads the current figures; a figure that cannot be read is 0.
    public static func current() -> ResourceUsage {
        ResourceUsage(residentBytes: residentBytes(), openDescriptors: openDescriptors())
    }

    private static func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != UInt8(ascii: ".") { count += 1 }
        }
        return count - 1  // the descriptor opendir itself holds
    }
}
