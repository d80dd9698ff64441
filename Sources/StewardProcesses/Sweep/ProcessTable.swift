#if canImport(Glibc)
import Glibc
#endif

/// A read of `/proc`: who is whose parent, and who is a zombie.
public struct ProcessTable: Sendable {
    /// One process: its id, parent, state letter (`Z` for a zombie) and process group.
    public struct Entry: Sendable, Hashable {
        /// Process id.
        public var pid: Int32
        /// Parent process id.
        public var parent: Int32
        /// State letter from `/proc/PID/stat` (`R`, `S`, `D`, `Z`, …).
        public var state: Character
        /// Process-group id.
        public var group: Int32
    }

    /// Every process visible in `/proc` at the time of the read.
    public let entries: [Entry]

    /// Reads `/proc` now.
    public static func read() -> ProcessTable {
        guard let directory = opendir("/proc") else { return ProcessTable(entries: []) }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name), let entry = entry(of: pid) else { continue }
            entries.append(entry)
        }
        return ProcessTable(entries: entries)
    }

    /// One process's entry, read from `/proc/PID/stat` now; `nil` once it is gone (a zombie is
    /// still there, until reaped).
    public static func entry(of pid: Int32) -> Entry? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = Glibc.read(fd, &buffer, buffer.count)
        close(fd)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        // "pid (comm) S ppid pgrp ...": comm may contain spaces and parentheses.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let parent = Int32(fields[1]), let group = Int32(fields[2]) else { return nil }
        return Entry(pid: pid, parent: parent, state: state, group: group)
    }

    /// Every descendant of `ancestor` (children, their children, …), zombies included.
    public func descendants(of ancestor: Int32) -> [Entry] {
        var children: [Int32: [Entry]] = [:]
        for entry in entries { children[entry.parent, default: []].append(entry) }
        var result: [Entry] = []
        var frontier = [ancestor]
        while let next = frontier.popLast() {
            for child in children[next] ?? [] {
                result.append(child)
                frontier.append(child.pid)
            }
        }
        return result
    }
}
