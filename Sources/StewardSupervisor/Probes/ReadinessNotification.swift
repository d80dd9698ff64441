import CStewardSystem
import StewardCore
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
/// spawn, call ``childStarted(pid:uid:)``, then ``waitUntilReady(timeout:)``.
public final class ReadinessNotification: Sendable {
    private let readEnd: FileDescriptor
    /// Steward's copy of the s6-style pipe's write end, closed once the child has its own.
    private let childEnd: FileDescriptor?
    /// The child the channel belongs to (pid, uid), once spawned: only it (or a descendant) may notify.
    private let child = Mutex<(pid: Int32, uid: UInt32)?>(nil)
    private let rejected = Atomic<Int>(0)
    private let expectsDatagram: Bool
    /// Variables to add to the child's environment.
    public let environment: [String: String]
    /// Descriptors to install in the child, `[target: source]`.
    public let descriptors: [Int32: Int32]

    private init(readEnd: FileDescriptor, childEnd: FileDescriptor?, expectsDatagram: Bool, environment: [String: String],
                 descriptors: [Int32: Int32]) {
        self.readEnd = readEnd
        self.childEnd = childEnd
        self.expectsDatagram = expectsDatagram
        self.environment = environment
        self.descriptors = descriptors
    }

    /// A `NOTIFY_SOCKET` channel: an abstract Unix datagram socket named after `name`.
    /// - Throws: ``ProbeSetupError`` if the socket cannot be created or bound.
    public static func systemd(name: String) throws(ProbeSetupError) -> ReadinessNotification {
        let socketEnd: FileDescriptor
        switch SystemCall.once({ socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0) }) {
        case .success(let created): socketEnd = FileDescriptor(owning: created)
        case .failure(let error): throw ProbeSetupError("socket(AF_UNIX): \(error)")
        }
        let fd = socketEnd.rawValue
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
        guard bound == 0 else { throw ProbeSetupError("bind(NOTIFY_SOCKET @\(label)): \(Errno.current)") }
        // The kernel then tells who sent each datagram (SCM_CREDENTIALS): any local process can
        // find an abstract socket's name in /proc/net/unix and write to it.
        guard steward_socket_pass_credentials(fd) == 0 else {
            throw ProbeSetupError("setsockopt(NOTIFY_SOCKET, SO_PASSCRED): \(Errno.current)")
        }
        return ReadinessNotification(readEnd: socketEnd, childEnd: nil, expectsDatagram: true,
                                     environment: ["NOTIFY_SOCKET": "@" + label], descriptors: [:])
    }

    /// An s6-style channel: the child gets the write end of a pipe as descriptor `target` (≥ 3).
    /// - Throws: ``ProbeSetupError`` if the pipe cannot be created.
    public static func descriptor(_ target: Int32) throws(ProbeSetupError) -> ReadinessNotification {
        switch FileDescriptor.pipe() {
        case .success(let pipe):
            _ = pipe.read.setNonBlocking()
            return ReadinessNotification(readEnd: pipe.read, childEnd: pipe.write, expectsDatagram: false,
                                         environment: [:], descriptors: [target: pipe.write.rawValue])
        case .failure(let error):
            throw ProbeSetupError("pipe: \(error)")
        }
    }

    /// Closes steward's copy of the child's end (call once the child was spawned), so that the
    /// child exiting without notifying reads as end-of-file instead of waiting forever; `pid` and
    /// `uid` are the child's (its uid: steward's unless it runs as another user). A
    /// `NOTIFY_SOCKET` message counts only from the child or a live descendant of it, or — when
    /// its sender has already exited and cannot be traced (`systemd-notify --ready` in a script)
    /// — from a process of the child's own uid; never from another user's process.
    public func childStarted(pid: Int32, uid: UInt32 = getuid()) {
        child.withLock { $0 = (pid, uid) }
        childEnd?.close()
    }

    /// `NOTIFY_SOCKET` messages ignored because another process sent them.
    public var rejectedMessages: Int { rejected.load(ordering: .relaxed) }

    /// Whether a message from `sender` (running as `senderUID`) is the child's to send: the child
    /// itself, a live process of its group or below it, or one of its uid that has exited already.
    private func belongsToChild(_ sender: Int32, uid senderUID: UInt32) -> Bool {
        guard sender > 0, let child = child.withLock({ $0 }) else { return false }
        if sender == child.pid || getpgid(sender) == child.pid { return true }
        var pid = sender
        for _ in 0..<64 {
            guard let parent = ProcessTable.entry(of: pid)?.parent else {
                // The sender (or an ancestor of it) is gone: its line cannot be traced any more.
                return pid == sender && senderUID == child.uid
            }
            if parent == child.pid { return true }
            guard parent > 1 else { return false }
            pid = parent
        }
        return false
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
            guard await DescriptorWatcher.shared.wait(readEnd.rawValue, for: .readable, timeout: remaining) else { return false }
            if expectsDatagram {
                var sender: Int32 = 0
                var senderUID: UInt32 = .max
                let count = buffer.withUnsafeMutableBytes {
                    steward_receive_with_sender(readEnd.rawValue, $0.baseAddress, UInt($0.count), &sender, &senderUID)
                }
                if count < 0 { continue }  // EAGAIN, EINTR: a datagram socket has no end of file
                guard belongsToChild(sender, uid: senderUID) else {
                    rejected.add(1, ordering: .relaxed)
                    continue
                }
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                if message.split(whereSeparator: \.isNewline).contains("READY=1") { return true }
            } else {
                switch buffer.withUnsafeMutableBytes({ readEnd.read(into: $0) }) {
                case .success(0): return false  // end of file: the child closed it
                case .success(let count): pending += buffer[0..<count]
                case .failure(let error) where error.isWouldBlock: continue
                case .failure: return false
                }
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
