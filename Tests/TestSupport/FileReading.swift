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

/// The names in directory `path` (without `.` and `..`), in the order `readdir` gives them;
/// empty if it cannot be opened.
public func directoryEntries(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// The pids of `pid`'s children now, from every thread's `/proc/PID/task/TID/children` (a child
/// is listed under the thread that spawned it); empty once `pid` is gone.
public func childPids(of pid: Int32) -> [Int32] {
    directoryEntries("/proc/\(pid)/task").flatMap { task -> [Int32] in
        guard let text = try? String(contentsOfProcFile: "/proc/\(pid)/task/\(task)/children") else { return [] }
        return text.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
    }
}
