#if canImport(Glibc)
import Glibc
#endif

extension EventLoop {
    /// Handles epoll readiness of a connection.
    func connectionEvent(id: UInt64, events: UInt32) {
        guard let connection = connections[id] else { return }  // closed earlier in this batch
        if case .handling = connection.state, events & (Epoll.peerClosed | Epoll.hangUp | Epoll.error) != 0 {
            // Like nginx's 499: a client that closed while its request was being handled gets
            // no answer; the handler is cancelled and the descriptor freed now.
            logger?.debug("client closed during its request", metadata: ["remote": connection.remoteAddress])
            close(connection, reason: .clientDisconnected)
            return
        }
        if events & (Epoll.error | Epoll.hangUp) != 0 && events & Epoll.readable == 0 {
            close(connection, reason: .clientDisconnected)
            return
        }
        if events & Epoll.writable != 0 {
            flushOutput(connection)
            guard connections[id] != nil else { return }
        }
        if events & Epoll.readable != 0 {
            readAvailable(connection)
            guard connections[id] != nil else { return }
        }
        if events & Epoll.hangUp != 0 && !connection.isReadingRequest {
            close(connection, reason: .clientDisconnected)
            return
        }
        settle(connection)
    }

    /// Reads what the socket has (a few reads at most per wake-up) and acts on it: request bytes
    /// are parsed; during a stream they are kept for after it (up to a small cap, since a stream's
    /// client should not be sending); while lingering they are discarded.
    private func readAvailable(_ connection: Connection) {
        for _ in 0..<4 {
            let keeps: Bool
            switch connection.state {
            case .readingHead, .readingBody, .streaming: keeps = true
            case .lingering: keeps = false
            case .handling, .writing: return  // pipelined bytes wait in the kernel until the response is out
            }
            let count = readScratch.withUnsafeMutableBytes { recv(connection.descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return
                default:
                    close(connection, reason: .clientDisconnected)
                    return
                }
            }
            if count == 0 {
                connection.peerClosed = true
                if connection.isReadingRequest { processInput(connection) } else { close(connection, reason: .clientDisconnected) }
                return
            }
            if keeps {
                connection.input.append(contentsOf: readScratch[0..<count])
                if connection.isReadingRequest {
                    processInput(connection)
                } else if connection.input.count > Self.streamingInputLimit {
                    close(connection, reason: .clientDisconnected)
                    return
                }
            } else {
                connection.discarded += count
                if connection.discarded > Self.streamingInputLimit {
                    close(connection, reason: .clientDisconnected)
                    return
                }
            }
            guard connections[connection.id] != nil, count == readScratch.count else { return }
        }
    }

    /// The most bytes kept from a client while its stream runs, or discarded while lingering.
    static let streamingInputLimit = 64 * 1024

    /// Parses buffered input as far as it goes: heads, bodies, then hands complete requests to
    /// handlers. Stops when the connection leaves the reading states.
    func processInput(_ connection: Connection) {
        while connections[connection.id] != nil {
            switch connection.state {
            case .readingHead:
                guard !connection.input.isEmpty else {
                    if connection.peerClosed { close(connection, reason: .clientDisconnected) }
                    return
                }
                if connection.isIdle {  // the first byte of the next request starts its header timer
                    connection.isIdle = false
                    connection.readDeadline = now + settings.headerTimeout
                }
                switch connection.parser.parse(connection.input) {
                case .needMore:
                    if connection.peerClosed { close(connection, reason: .clientDisconnected) }
                    return
                case .failure(let error):
                    refuse(connection, error)
                    return
                case .complete(let head, let consumed):
                    connection.input.removeFirst(consumed)
                    connection.parser.reset()
                    headParsed(connection, head)
                }
            case .readingBody(let pending):
                let length = pending.framing.contentLength
                guard connection.input.count >= length else {
                    if connection.peerClosed { close(connection, reason: .clientDisconnected) }
                    return
                }
                let body = Array(connection.input.prefix(length))
                connection.input.removeFirst(length)
                dispatch(connection, pending, body: body)
            default:
                return
            }
        }
    }

    /// Validates a complete head and moves to reading the body or to the handler.
    private func headParsed(_ connection: Connection, _ head: RequestHead) {
        let framing: RequestFraming
        do {
            framing = try RequestFraming(head, limits: settings.limits)
        } catch {
            refuse(connection, error)
            return
        }
        guard let target = RequestTarget(head.target), target.path != "*" || head.method == .options else {
            refuse(connection, .badRequest("malformed request target"))
            return
        }
        let pending = Connection.PendingRequest(head: head, target: target, framing: framing)
        guard framing.contentLength > 0 else {
            dispatch(connection, pending, body: [])
            return
        }
        connection.state = .readingBody(pending)
        connection.readDeadline = now + settings.bodyTimeout
        if framing.expectsContinue && connection.input.count < framing.contentLength {
            connection.output.append("HTTP/1.1 100 Continue\r\n\r\n")
            flushOutput(connection)
        }
    }

    /// Starts the handler task for a complete request. The socket is not read until the response
    /// is written (pipelined requests wait in the kernel buffer).
    private func dispatch(_ connection: Connection, _ pending: Connection.PendingRequest, body: [UInt8]) {
        let head = pending.head
        var request = HTTPRequest(method: head.method, target: head.target, parsed: pending.target, version: head.version,
                                  headers: head.headers, body: body, remoteAddress: connection.remoteAddress)
        request.peer = connection.peer
        let keepAlive = pending.framing.keepAlive && !connection.peerClosed
        connection.state = .handling(Connection.ResponseContext(isHead: head.method == .head, keepAlive: keepAlive,
                                                                version: head.version))
        connection.readDeadline = nil
        // A probe answers on the loop, without a task and two thread hops; the depth bound keeps
        // a long run of pipelined requests (each answer reads the next) from deepening the stack.
        if immediateDepth < Self.immediateDepthLimit, let response = handler.immediateResponse(to: request) {
            immediateDepth += 1
            defer { immediateDepth -= 1 }
            deliver(response, to: connection)
            return
        }
        let (handler, id) = (self.handler, connection.id)
        connection.handlerTask = Task { [self] in
            let response = await handler.handle(request)
            post(.response(id: id, response))
        }
    }

    /// How many immediate answers may nest (pipelined requests answered from one read).
    static let immediateDepthLimit = 16

    /// Answers a request the server refuses (4xx/5xx), then closes the connection.
    func refuse(_ connection: Connection, _ error: HTTPParseError) {
        logger?.debug("refused request", metadata: ["remote": connection.remoteAddress, "status": "\(error.status.code)",
                                                    "reason": error.message])
        connection.input = []
        let response = HTTPResponse.status(error.status, message: error.message)
        let body = response.body.bytes ?? []
        connection.output.append(ResponseHeadWriter.render(status: response.status, headers: response.headers,
                                                           framing: .length(body.count), connection: .close,
                                                           date: dates.now()))
        connection.output.append(body)
        connection.state = .writing(keepAlive: false)
        connection.lastWriteProgress = now
        flushOutput(connection)
    }

    /// A connection's deadline passed.
    func timedOut(_ connection: Connection) {
        switch connection.state {
        case .readingHead where connection.isIdle:
            logger?.trace("idle connection closed", metadata: ["remote": connection.remoteAddress])
            close(connection, reason: .clientDisconnected)
        case .readingHead, .readingBody:
            logger?.debug("request read timeout; connection dropped", metadata: ["remote": connection.remoteAddress])
            close(connection, reason: .clientDisconnected)
        case .writing, .streaming:
            logger?.debug("write timeout; connection dropped", metadata: ["remote": connection.remoteAddress])
            close(connection, reason: .writeTimeout)
        case .lingering, .handling:
            close(connection, reason: .clientDisconnected)
        }
    }
}
