#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import Synchronization

/// Feeds the body of a streaming response (see ``HTTPResponse/stream(status:headers:_:)``) from a
/// task of its own, e.g. Server-Sent Events.
///
/// ``send(_:)-([UInt8])`` never blocks: it queues the bytes in a per-client buffer that the server's
/// event loop drains into the socket. The buffer is bounded (``bufferLimit``): when a slow reader
/// lets it fill, the server closes the connection, the call returns `false`, and every later call
/// returns `false` too. The stream also ends when the client disconnects or the server stops;
/// the producer learns it from `send` returning `false`, from ``isOpen``, from
/// ``waitUntilClosed()``, and by its task being cancelled.
///
/// ```swift
/// HTTPResponse.serverSentEvents { writer in
///     for await change in changes {
///         guard writer.send(ServerSentEvent(data: change.text, event: "health")) else { return }
///     }
/// }
/// ```
public final class HTTPStreamWriter: Sendable {
    /// What the writer tells the event loop.
    enum Signal: Sendable {
        /// Bytes are waiting (or the stream finished): flush.
        case ready
        /// The buffer bound was exceeded: close the connection now.
        case overflow
    }

    /// Result of one flush by the event loop.
    struct FlushResult {
        /// Bytes written this time.
        var wrote: Int
        /// Whether bytes remain (the socket is full).
        var pending: Bool
        /// Whether the stream is over and fully written (finished, or stopped by the server).
        var complete: Bool
        /// Why the stream was cut short (buffer overflow), if it was: close the connection.
        var aborted: HTTPStreamTermination?
        /// The write error, if the socket failed.
        var error: Int32?
    }

    private struct State {
        var buffer = OutboundBuffer()
        var notified = false
        var finishing = false
        var termination: HTTPStreamTermination?
    }

    /// The most bytes that may wait for a client (framing included) before the server drops it.
    public let bufferLimit: Int
    private let chunked: Bool
    private let state = Mutex(State())
    private let closed = Latch()
    private let signal: @Sendable (Signal) -> Void

    init(bufferLimit: Int, chunked: Bool, head: [UInt8], signal: @escaping @Sendable (Signal) -> Void) {
        self.bufferLimit = bufferLimit
        self.chunked = chunked
        self.signal = signal
        state.withLock { $0.buffer.append(head) }
    }

    /// Queues `bytes` for the client. Returns `false` if the stream is closed, or if these bytes
    /// would exceed ``bufferLimit``, in which case the connection is closed. Empty input is a no-op
    /// that reports whether the stream is open.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        enqueue(bytes[...])
    }

    /// Queues the UTF-8 bytes of `text`; see ``send(_:)-([UInt8])``.
    @discardableResult
    public func send(_ text: String) -> Bool {
        enqueue(Array(text.utf8)[...])
    }

    /// Queues one Server-Sent Event; see ``send(_:)-([UInt8])``.
    @discardableResult
    public func send(_ event: ServerSentEvent) -> Bool {
        send(event.formatted)
    }

    /// Queues an SSE comment line (`: text`), a heartbeat clients ignore; see ``send(_:)-([UInt8])``.
    @discardableResult
    public func sendComment(_ text: String) -> Bool {
        send(ServerSentEvent.comment(text))
    }

    /// Ends the response once the queued bytes are written (the server also calls this when the
    /// producer returns). Later sends return `false`.
    public func finish() {
        let wake = state.withLock { s -> Bool in
            guard s.termination == nil, !s.finishing else { return false }
            s.finishing = true
            if chunked { s.buffer.append(Self.lastChunk) }
            return markNotified(&s)
        }
        if wake { signal(.ready) }
    }

    /// Whether bytes can still be sent (not finished, not closed).
    public var isOpen: Bool { state.withLock { $0.termination == nil && !$0.finishing } }

    /// Bytes queued and not yet accepted by the client's socket (bounded by ``bufferLimit``).
    public var bufferedByteCount: Int { state.withLock { $0.buffer.pendingCount } }

    /// Why the stream ended, or `nil` while it is still going (or finishing).
    public var termination: HTTPStreamTermination? { state.withLock { $0.termination } }

    /// Returns once the stream has ended (see ``termination``), or when the calling task is cancelled.
    public func waitUntilClosed() async { await closed.wait() }

    // MARK: Event loop side

    /// Writes queued bytes to `descriptor` without blocking. Called on the event loop only.
    func flush(to descriptor: Int32) -> FlushResult {
        state.withLock { s in
            s.notified = false
            if let termination = s.termination, termination != .serverStopped {
                return FlushResult(wrote: 0, pending: false, complete: false, aborted: termination, error: nil)
            }
            switch s.buffer.write(to: descriptor) {
            case .drained(let wrote):
                return FlushResult(wrote: wrote, pending: false, complete: s.finishing, aborted: nil, error: nil)
            case .blocked(let wrote):
                return FlushResult(wrote: wrote, pending: true, complete: false, aborted: nil, error: nil)
            case .failed(let code):
                return FlushResult(wrote: 0, pending: false, complete: false, aborted: nil, error: code)
            }
        }
    }

    /// Records the end of the stream (the first reason wins), drops queued bytes and wakes waiters.
    func terminate(_ reason: HTTPStreamTermination) {
        state.withLock { s in
            if s.termination == nil { s.termination = reason }
            s.buffer.clear()
        }
        closed.fire()
    }

    /// Ends the stream for a server shutdown but keeps queued bytes (plus the last chunk) so the
    /// loop can still flush them briefly.
    func stopForShutdown() {
        state.withLock { s in
            guard s.termination == nil else { return }
            s.termination = .serverStopped
            if chunked && !s.finishing { s.buffer.append(Self.lastChunk) }
            s.finishing = true
        }
        closed.fire()
    }

    // MARK: Private

    private func enqueue(_ payload: ArraySlice<UInt8>) -> Bool {
        enum Outcome { case closed, queued(wake: Bool), overflow }
        let outcome = state.withLock { s -> Outcome in
            guard s.termination == nil, !s.finishing else { return .closed }
            guard !payload.isEmpty else { return .queued(wake: false) }
            let framing = chunked ? Self.chunkHeader(payload.count) : []
            let trailer = chunked ? 2 : 0
            guard s.buffer.pendingCount + framing.count + payload.count + trailer <= bufferLimit else {
                s.termination = .bufferOverflow
                s.buffer.clear()
                return .overflow
            }
            s.buffer.append(framing)
            s.buffer.append(payload)
            if chunked { s.buffer.append(Self.crlf) }
            return .queued(wake: markNotified(&s))
        }
        switch outcome {
        case .closed:
            return false
        case .queued(let wake):
            if wake { signal(.ready) }
            return true
        case .overflow:
            closed.fire()
            signal(.overflow)
            return false
        }
    }

    private func markNotified(_ s: inout State) -> Bool {
        guard !s.notified else { return false }
        s.notified = true
        return true
    }

    private static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]
    private static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    private static func chunkHeader(_ size: Int) -> [UInt8] {
        Array(String(size, radix: 16).utf8) + crlf
    }
}
