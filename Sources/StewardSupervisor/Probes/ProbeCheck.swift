import CStewardSystem
import StewardCore
import StewardProcesses
#if canImport(Glibc)
import Glibc
#endif

/// One check a probe performs. Readiness notifications (`NOTIFY_SOCKET`, an s6-style fd) are not
/// checks: they are channels the child writes to, see ``ReadinessNotification``.
public enum ProbeCheck: Sendable, Hashable {
    /// A TCP connection to `host:port` succeeds.
    case tcp(host: String, port: UInt16)
    /// `GET path` on `host:port` answers with a status in 200–399.
    case http(host: String, port: UInt16, path: String)
    /// The command exits 0 (it is killed if it outlives the timeout).
    case exec([String], environment: [String: String])
    /// Nothing to check: the process is ready once it has been up this long.
    case delay(Duration)
}

/// The outcome of one check.
public struct ProbeResult: Sendable, Hashable, CustomStringConvertible {
    /// Whether the check passed.
    public var passed: Bool
    /// Why it failed (or a note on success).
    public var detail: String

    /// A passing result.
    public static func pass(_ detail: String = "ok") -> ProbeResult { ProbeResult(passed: true, detail: detail) }
    /// A failing result with a reason.
    public static func fail(_ detail: String) -> ProbeResult { ProbeResult(passed: false, detail: detail) }

    public var description: String { passed ? "ok" : "failed: \(detail)" }
}

extension ProbeCheck {
    /// Performs the check once, bounded by `timeout`. Never throws and never blocks a thread.
    public func perform(timeout: Duration, reaper: Reaper = .shared) async -> ProbeResult {
        switch self {
        case .tcp(let host, let port):
            switch await Self.connect(host: host, port: port, timeout: timeout) {
            case .success(let fd):
                close(fd)
                return .pass()
            case .failure(let reason):
                return .fail(reason.text)
            }
        case .http(let host, let port, let path):
            return await Self.httpGet(host: host, port: port, path: path, timeout: timeout)
        case .exec(let command, let environment):
            return await Self.exec(command, environment: environment, timeout: timeout, reaper: reaper)
        case .delay(let duration):
            do { try await Task.sleep(for: duration) } catch { return .fail("cancelled") }
            return .pass("up for \(duration.compactDescription)")
        }
    }

    /// A connected non-blocking socket to `host:port`, or why there is none, within `timeout` in
    /// all: name resolution included, and never blocking a shared thread (see ``HostResolver``).
    static func connect(host: String, port: UInt16, timeout: Duration) async -> Result<Int32, ProbeFailureReason> {
        let deadline = ContinuousClock.now + timeout
        let addresses: [HostResolver.Address]
        switch await HostResolver.shared.resolve(host, port: port, timeout: timeout) {
        case .success(let found): addresses = found
        case .failure(let failure): return .failure(ProbeFailureReason(failure.description))
        }
        for address in addresses {
            let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            let started = address.bytes.withUnsafeBytes { raw in
                Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
            if started == 0 { return .success(fd) }
            let remaining = deadline - ContinuousClock.now
            guard errno == EINPROGRESS, remaining > .zero,
                  await DescriptorWatcher.shared.wait(fd, for: .writable, timeout: remaining) else {
                close(fd)
                continue
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 { return .success(fd) }
            close(fd)
        }
        return .failure(ProbeFailureReason("cannot connect to \(host):\(port)"))
    }

    static func httpGet(host: String, port: UInt16, path: String, timeout: Duration) async -> ProbeResult {
        let start = ContinuousClock.now
        let fd: Int32
        switch await connect(host: host, port: port, timeout: timeout) {
        case .success(let connected): fd = connected
        case .failure(let reason): return .fail(reason.text)
        }
        defer { close(fd) }
        let request = "GET \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\nUser-Agent: steward-probe\r\nConnection: close\r\n\r\n"
        let sent = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        guard sent == request.utf8.count else { return .fail("cannot send the request") }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        // The status line is all we need; stop at the first line break or after 1 KiB.
        while !response.contains(10), response.count < 1024 {
            let remaining = timeout - (ContinuousClock.now - start)
            guard remaining > .zero, await DescriptorWatcher.shared.wait(fd, for: .readable, timeout: remaining) else {
                return .fail("no response within \(timeout.compactDescription)")
            }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0, errno == EAGAIN || errno == EINTR { continue }
            guard count > 0 else { break }
            response += chunk[0..<count]
        }
        let statusLine = String(decoding: response.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            return .fail("not an HTTP response")
        }
        return (200..<400).contains(status) ? .pass("HTTP \(status)") : .fail("HTTP \(status)")
    }

    static func exec(_ command: [String], environment: [String: String], timeout: Duration, reaper: Reaper) async -> ProbeResult {
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(devNull) }
        let handle: ChildProcessHandle
        do {
            handle = try reaper.spawn(SpawnRequest(arguments: command, environment: environment,
                                                   descriptors: [0: devNull, 1: devNull, 2: devNull]))
        } catch {
            return .fail("\(error)")
        }
        // Past its timeout the check is killed with its group (through the reaper: never a reused pid).
        let timer = Task {
            try await Task.sleep(for: timeout)
            handle.signal(SIGKILL, toGroup: true)
        }
        let status = await withTaskCancellationHandler { await handle.waitForExit() } onCancel: { handle.signal(SIGKILL, toGroup: true) }
        timer.cancel()
        guard let status else { return .fail("cancelled") }
        if status.isSuccess { return .pass() }
        return .fail(status.signal == SIGKILL ? "timed out after \(timeout.compactDescription)" : "\(status)")
    }
}

/// Why a probe's connection could not be made, in words for its failure detail.
struct ProbeFailureReason: Error, Sendable {
    let text: String
    init(_ text: String) { self.text = text }
}
