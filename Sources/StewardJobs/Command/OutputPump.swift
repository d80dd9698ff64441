import CStewardSystem
import Foundation  // Thread
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One process-wide thread that reads every command's stdout and stderr pipes: `poll(2)` with no
/// timeout over all registered descriptors plus a wake-up pipe, so it sleeps until bytes, an end
/// of file or a request arrive — no tick.
///
/// Not a `DispatchSource` per pipe: on Linux, libdispatch's epoll bookkeeping can be corrupted by
/// read sources registered and torn down concurrently (swift-corelibs-libdispatch issue #949, a
/// crash in `_dispatch_event_loop_drain`), which is exactly the churn of short command runs.
///
/// Callbacks run on the pump thread, one at a time. A registration is identified by a token, not
/// by its descriptor number (numbers are reused once closed).
final class OutputPump: Sendable {
    /// The pump of this process, started on first use.
    static let shared = OutputPump()

    /// Receives a registration's bytes (`consume`) and its end (`end`), on the pump thread.
    struct Handlers: Sendable {
        let consume: @Sendable ([UInt8]) -> Void
        let end: @Sendable () -> Void
    }

    private struct Entry {
        let fd: Int32
        let handlers: Handlers
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var finishRequests: [(token: UInt64, done: CheckedContinuation<Void, Never>)] = []
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private init() {
        var fds: [Int32] = [-1, -1]
        if steward_pipe_cloexec(&fds) != 0 { fatalError("cannot create the output pump's wake-up pipe (errno \(errno))") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        let thread = Thread { [self] in loop() }
        thread.name = "steward-output-pump"
        thread.start()
    }

    /// Starts reading `fd` (made non-blocking here); the pump closes it once it ends.
    func add(_ fd: Int32, handlers: Handlers) -> UInt64 {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let token = state.withLock { s -> UInt64 in
            s.nextToken += 1
            s.entries[s.nextToken] = Entry(fd: fd, handlers: handlers)
            return s.nextToken
        }
        wake()
        return token
    }

    /// Reads what the registration's pipe holds now, ends it (its `end` handler runs) and closes
    /// the descriptor, without waiting for an end of file a surviving grandchild may delay.
    /// Returns at once for a registration that already ended.
    func finish(_ token: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { $0.finishRequests.append((token, continuation)) }
            wake()
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // EAGAIN: a wake-up is already pending, which is enough
    }

    private func loop() {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while true {
            let entries = state.withLock { $0.entries }
            var polled = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let tokens = Array(entries.keys)
            for token in tokens { polled.append(pollfd(fd: entries[token]!.fd, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&polled, nfds_t(polled.count), -1)
            if ready < 0 { continue }  // EINTR
            if polled[0].revents != 0 {
                while read(wakeRead, &scratch, scratch.count) > 0 {}
            }
            for (index, token) in tokens.enumerated() where polled[index + 1].revents != 0 {
                if !drain(entries[token]!, into: &scratch) { close(token) }
            }
            let requests = state.withLock { s in
                defer { s.finishRequests = [] }
                return s.finishRequests
            }
            for request in requests {
                if let entry = state.withLock({ $0.entries[request.token] }) {
                    _ = drain(entry, into: &scratch)
                    close(request.token)
                }
                request.done.resume()
            }
        }
    }

    /// Reads until the pipe is empty; returns `false` at end of file (or on a read error).
    private func drain(_ entry: Entry, into scratch: inout [UInt8]) -> Bool {
        while true {
            let count = scratch.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                entry.handlers.consume(Array(scratch[0..<count]))
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
        }
    }

    /// Ends a registration: its `end` handler, then the descriptor is closed.
    private func close(_ token: UInt64) {
        guard let entry = state.withLock({ $0.entries.removeValue(forKey: token) }) else { return }
        entry.handlers.end()
        Glibc.close(entry.fd)
    }
}
