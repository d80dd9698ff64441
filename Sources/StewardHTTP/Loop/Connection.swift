/// One client connection. Owned and touched only by the event loop thread.
final class Connection {
    /// Where the connection is in its request/response cycle.
    enum State {
        /// Waiting for, or receiving, a request head.
        case readingHead
        /// Receiving the body of a request whose head is parsed.
        case readingBody(PendingRequest)
        /// A handler task is producing the response (the socket is not read meanwhile).
        case handling(ResponseContext)
        /// A fixed response is being written; then the next request or the close.
        case writing(keepAlive: Bool)
        /// A streaming response is flowing from its writer.
        case streaming(ActiveStream)
        /// Writing is shut down; discarding input until the client closes or the linger ends.
        case lingering
    }

    /// A parsed head waiting for its body.
    struct PendingRequest {
        var head: RequestHead
        var target: RequestTarget
        var framing: RequestFraming
    }

    /// What the loop needs to know to send a handler's response.
    struct ResponseContext {
        var isHead: Bool
        var keepAlive: Bool
        var version: HTTPVersion
    }

    /// A streaming response in progress.
    struct ActiveStream {
        var writer: HTTPStreamWriter
        var producer: Task<Void, Never>?
        var keepAlive: Bool
        var pending: Bool
    }

    let id: UInt64
    let descriptor: Int32
    let remoteAddress: String
    var state = State.readingHead
    /// Bytes read and not yet consumed by a request.
    var input: [UInt8] = []
    var parser: RequestHeadParser
    /// Fixed response bytes (and `100 Continue`) waiting for the socket.
    var output = OutboundBuffer()
    /// The epoll events currently registered.
    var registeredEvents: UInt32
    /// The deadline of the current read phase: header (from accept or the request's first byte),
    /// idle (between requests), body, or linger.
    var readDeadline: UInt64?
    /// Whether the connection waits between requests (the next byte starts the header timer).
    var isIdle = false
    /// When the socket last accepted bytes, or when bytes started waiting for it.
    var lastWriteProgress: UInt64 = 0
    /// Whether the client shut down its side (EOF read).
    var peerClosed = false
    /// Bytes discarded while lingering.
    var discarded = 0
    /// The handler task in flight, if any.
    var handlerTask: Task<Void, Never>?
    /// The peer's credentials, on a Unix socket that checks them.
    var peer: PeerCredentials?

    init(id: UInt64, descriptor: Int32, remoteAddress: String, limits: RequestLimits, registeredEvents: UInt32) {
        self.id = id
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
        self.parser = RequestHeadParser(limits: limits)
        self.registeredEvents = registeredEvents
    }

    /// Whether the connection is in a state that reads requests.
    var isReadingRequest: Bool {
        switch state {
        case .readingHead, .readingBody: true
        default: false
        }
    }
}
