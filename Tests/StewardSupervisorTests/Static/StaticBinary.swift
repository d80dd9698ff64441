import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The static `steward` the PID-1 test runs: the release artefact `.ci/build-static` makes (the
/// Swift runtime linked in, stripped), not the debug binary SwiftPM builds next to the tests.
enum StaticBinary {
    /// The package's root directory, from this file's path (`Tests/StewardSupervisorTests/Static/`).
    static var packageRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }

    /// `STEWARD_STATIC_BINARY` when set (to test another build, such as `--small`), else where
    /// `.ci/build-static` leaves it by default.
    static var path: String {
        if let chosen = ChildProgram.currentEnvironment["STEWARD_STATIC_BINARY"], !chosen.isEmpty { return chosen }
        return packageRoot + "/.build-static/steward"
    }

    /// Why the binary cannot be used, with how to build it; `nil` when it is there.
    static func missing(at path: String) -> String? {
        guard access(path, X_OK) != 0 else { return nil }
        return """
        no static steward at \(path): build it with `.ci/build-static` (a release build with the Swift \
        runtime linked in, a few minutes; .ci/run does it before the tests), or point STEWARD_STATIC_BINARY \
        at one
        """
    }

    /// The first child of `pid` whose executable is `executable`: steward once `unshare` has forked
    /// and its shell has exec'd it.
    static func child(of pid: Int32, running executable: String) -> Int32? {
        guard let text = try? String(contentsOfProcFile: "/proc/\(pid)/task/\(pid)/children") else { return nil }
        return text.split(separator: " ").compactMap { Int32($0) }.first { link("/proc/\($0)/exe") == executable }
    }

    /// The pids of `pid`'s children now, each with its start time (field 22 of `stat`), so a pid
    /// reused later is not taken for one of them.
    static func children(of pid: Int32) -> [(pid: Int32, start: String)] {
        childPids(of: pid).compactMap { child in startTime(of: child).map { (child, $0) } }
    }

    /// Field 22 of `/proc/PID/stat` (the start time in clock ticks); `nil` once the process is gone.
    static func startTime(of pid: Int32) -> String? {
        guard let text = try? String(contentsOfProcFile: "/proc/\(pid)/stat"),
              let afterName = text.split(separator: ")").last else { return nil }
        let fields = afterName.split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil  // fields[0] is field 3 (the state)
    }

    /// The pid `pid` has in its innermost PID namespace (the last number of `NSpid:`).
    static func namespacePID(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfProcFile: "/proc/\(pid)/status"),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("NSpid:") }) else { return nil }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.flatMap { Int32($0) }
    }

    /// The shared objects `pid` has mapped that belong to the Swift toolchain (its runtime,
    /// Foundation, Dispatch, ICU): none for a static steward.
    static func toolchainLibraries(of pid: Int32) -> [String] {
        guard let maps = readToEnd("/proc/\(pid)/maps") else { return ["(no /proc/\(pid)/maps)"] }
        let names = ["libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime", "libicu"]
        var found: Set<String> = []
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let file = String(line[slash...])
            let base = file.split(separator: "/").last.map(String.init) ?? file
            if names.contains(where: { base.hasPrefix($0) }) { found.insert(file) }
        }
        return found.sorted()
    }

    /// The whole of `path` (`/proc/PID/maps` gives a page per `read`, more than one for steward).
    static func readToEnd(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes += chunk[0..<count]
        }
    }

    private static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
