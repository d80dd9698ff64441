import CStewardSystem
import StewardProcesses
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A channel through which a child announces that it is ready, instead of being probed:
/// - systemd style: a datagram `READY=1` on the socket named by `NOTIFY_SOCKET` (an abstract
///   Unix socket here, so nothing is left on disk);
/// - s6 style: a newline written to descriptor N, which the child inherits.
///
/// One channel per start of the child: create it, pass ``environment`` and ``descriptors`` to the
/// spawn, call ``childStarted(pid:)``, then ``waitUntilReady(timeout:)``.
public final class ReadinessNotification: Sendable {
    private let readEnd: Int32
    private let childEnd: Mutex<Int32?>
    /// The child the channel belongs to, once spawned: only it (or a descendant) may notify.
    private let child = Mutex<Int32?>(nil)
    private let rejected = Atomic<Int>(0)
    private let expectsDatagram: Bool
    /// Variables to add to the child's environment.
    public let environment: [String: String]
    /// Descriptors to install in the child, `[target: source]`.
    public let descriptors: [Int32: Int32]

    private init(readEnd: Int32, childEnd: Int32?, expectsDatagram: Bool, environment: [String: String], descriptors: [Int32: Int32]) {
        self.readEnd = readEnd
        self.childEnd = Mutex(childEnd)
        self.expectsDatagram = expectsDatagram
        self.environment = environment
        self.descriptors = descriptors
    }

    deinit {
        close(readEnd)
        if let end = childEnd.withLock({ $0 }) { close(end) }
    }

    /// A `NOTIFY_SOCKET` channel: an abstract Unix datagram socket named after `name`.
    /// - Throws: ``ProbeSetupError`` if the socket cannot be created or bound.
    public static func systemd(name: String) throws(ProbeSetupError) -> ReadinessNotification {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw ProbeSetupError("socket(AF_UNIX): errno \(errno)") }
        let label = "steward/\(getpid())/\(name)/\(UInt32.random(in: 0...UInt32.max))"
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // Abstract namespace: sun_path starts with a NUL byte; NOTIFY_SOCKET spells it with "@".
        let bytes = Array(label.utf8.prefix(100))
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0
            for (index, byte) in bytes.enumerated() { path[index + 1] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + bytes.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            throw ProbeSetupError("bind(NOTIFY_SOCKET @\(label)): errno \(errno)")
        }
        // The kernel then tells who sent each datagram (SCM_CREDENTIALS): any local process can
        // find an abstract socket's name in /proc/net/unix and write to it.
        guard steward_socket_pass_credentials(fd) == 0 else {
            close(fd)
            throw ProbeSetupError("setsockopt(NOTIFY_SOCKET, SO_PASSCRED): errno \(errno)")
        }
        return ReadinessNotification(readEnd: fd, childEnd: nil, expectsDatagram: true,
                                     environment: ["NOTIFY_SOCKET": "@" + label], descriptors: [:])
    }

    /// An s6-style channel: the child gets the write end of a pipe as descriptor `target` (≥ 3).
    /// - Throws: ``ProbeSetupError`` if the pipe cannot be created.
    public static func descriptor(_ target: Int32) throws(ProbeSetupError) -> ReadinessNotification {
        var fds: [Int32] = [0, 0]
        guard steward_pipe_cloexec(&fds) == 0 else { throw ProbeSetupError("pipe: errno \(errno)") }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return ReadinessNotification(readEnd: fds[0], childEnd: fds[1], expectsDatagram: false,
                                     environment: [:], descriptors: [target: fds[1]])
    }

    /// Closes steward's copy of the child's end (call once the child was spawned), so that the
    /// child exiting without notifying reads as end-of-file instead of waiting forever; `pid` is
    /// the child's: a `NOTIFY_SOCKET` message counts only from it or its descendants.
    public func childStarted(pid: Int32) {
        child.withLock { $0 = pid }
        if let end = childEnd.withLock({ value -> Int32? in defer { value = nil }; return value }) { close(end) }
    }

    /// `NOTIFY_SOCKET` messages ignored because another process sent them.
    public var rejectedMessages: Int { rejected.load(ordering: .relaxed) }

    /// Whether `sender` is the child or one of its descendants (its process group, which the
    /// child leads, or a chain of parents up to it).
    private func belongsToChild(_ sender: Int32) -> Bool {
        guard sender > 0, let child = child.withLock({ $0 }) else { return false }
        if sender == child || getpgid(sender) == child { return true }
        var pid = sender
        for _ in 0..<64 {
            guard let parent = Self.parent(of: pid), parent > 1 else { return false }
            if parent == child { return true }
            pid = parent
        }
        return false
    }

    /// The parent pid from `/proc/PID/stat` (the field after the parenthesised command name).
    private static func parent(of pid: Int32) -> Int32? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0, let closing = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(closing + 1)..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1 else { return nil }
        return Int32(String(decoding: fields[1], as: UTF8.self))
    }

    /// Returns `true` once the child announced readiness, `false` if the limit passed, the child
    /// closed its end without a newline, or the task was cancelled. `nil` timeout waits as long
    /// as the task lives.
    public func waitUntilReady(timeout: Duration? = nil) async -> Bool {
        let start = ContinuousClock.now
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !Task.isCancelled {
            let remaining = timeout.map { $0 - (ContinuousClock.now - start) }
            if let remaining, remaining <= .zero { return false }
            // `nil`: no deadline; only readiness or cancellation ends the wait.
            guard await DescriptorWatcher.shared.wait(readEnd, for: .readable, timeout: remaining) else { return false }
            if expectsDatagram {
                var sender: Int32 = 0
                let count = buffer.withUnsafeMutableBytes { steward_receive_with_sender(readEnd, $0.baseAddress, UInt($0.count), &sender) }
                if count < 0 { continue }  // EAGAIN, EINTR: a datagram socket has no end of file
                guard belongsToChild(sender) else {
                    rejected.add(1, ordering: .relaxed)
                    continue
                }
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                if message.split(whereSeparator: \.isNewline).contains("READY=1") { return true }
            } else {
                let count = read(readEnd, &buffer, buffer.count)
                if count < 0, errno == EAGAIN || errno == EINTR { continue }
                guard count > 0 else { return false }  // end of file: the child closed it
                pending += buffer[0..<count]
                if pending.contains(10) { return true }
            }
        }
        return false
    }
}

/// A probe's channel could not be prepared.
public struct ProbeSetupError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public let description: String
    init(_ description: String) { self.description = description }
}
