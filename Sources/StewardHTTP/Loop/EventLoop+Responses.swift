#if canImport(Glibc)
import Glibc
#endif

extension EventLoop {
    /// Sends a handler's response: a fixed body through the output buffer, or a stream through a
    /// new ``HTTPStreamWriter`` whose producer starts in its own task.
    func deliver(_ response: HTTPResponse, to connection: Connection) {
        guard case .handling(let context) = connection.state else { return }
        connection.handlerTask = nil
        var keepAlive = context.keepAlive && !stopping && !response.headers.containsToken("close", in: "Connection")
        let sendsBody = !context.isHead && !response.status.forbidsBody
        connection.lastWriteProgress = now
        if let producer = response.body.producer, sendsBody {
            let chunked = context.version >= .http1_1
            if !chunked { keepAlive = false }  // an HTTP/1.0 stream ends by closing the connection
            let head = ResponseHeadWriter.render(status: response.status, headers: response.headers,
                                                 framing: chunked ? .chunked : .none,
                                                 connection: directive(keepAlive: keepAlive, version: context.version),
                                                 date: dates.now())
            let id = connection.id
            let writer = HTTPStreamWriter(bufferLimit: settings.streamBufferLimit, chunked: chunked, head: head) { [self] signal in
                post(.stream(id: id, signal))
            }
            let task = Task {
                await producer(writer)
                writer.finish()
            }
            connection.state = .streaming(Connection.ActiveStream(writer: writer, producer: task, keepAlive: keepAlive, pending: true))
            flushStream(connection)
            return
        }
        let body = response.body.bytes ?? []
        let framing: ResponseHeadWriter.BodyFraming
        if response.status.forbidsBody {
            framing = .none
        } else if response.body.isStream {  // HEAD of a stream: announce the framing a GET would get
            framing = context.version >= .http1_1 ? .chunked : .none
        } else {
            framing = .length(body.count)
        }
        connection.output.append(ResponseHeadWriter.render(status: response.status, headers: response.headers, framing: framing,
                                                           connection: directive(keepAlive: keepAlive, version: context.version),
                                                           date: dates.now()))
        if sendsBody { connection.output.append(body) }
        connection.state = .writing(keepAlive: keepAlive)
        flushOutput(connection)
    }

    private func directive(keepAlive: Bool, version: HTTPVersion) -> ResponseHeadWriter.ConnectionDirective {
        guard keepAlive else { return .close }
        return version < .http1_1 ? .keepAlive : .omit
    }

    /// Writes pending output; when a fixed response is complete, moves on to the next request or
    /// the close.
    func flushOutput(_ connection: Connection) {
        if !connection.output.isEmpty {
            switch connection.output.write(to: connection.descriptor) {
            case .drained(let wrote):
                if wrote > 0 { connection.lastWriteProgress = now }
            case .blocked(let wrote):
                if wrote > 0 { connection.lastWriteProgress = now }
                return
            case .failed:
                close(connection, reason: .clientDisconnected)
                return
            }
        }
        switch connection.state {
        case .writing(let keepAlive):
            responseComplete(connection, keepAlive: keepAlive)
        case .streaming:
            flushStream(connection)
        default:
            break
        }
    }

    /// Drains a stream writer's buffer into the socket; ends the response once the stream is over.
    func flushStream(_ connection: Connection) {
        guard case .streaming(var stream) = connection.state else { return }
        let result = stream.writer.flush(to: connection.descriptor)
        if result.error != nil {
            close(connection, reason: .clientDisconnected)
            return
        }
        if let aborted = result.aborted {
            close(connection, reason: aborted)
            return
        }
        if result.wrote > 0 || (result.pending && !stream.pending) { connection.lastWriteProgress = now }
        stream.pending = result.pending
        connection.state = .streaming(stream)
        guard result.complete else { return }
        stream.writer.terminate(.finished)  // keeps .serverStopped if the shutdown ended it
        responseComplete(connection, keepAlive: stream.keepAlive && !stopping)
    }

    func streamSignalled(_ connection: Connection, _ signal: HTTPStreamWriter.Signal) {
        guard case .streaming = connection.state else { return }
        switch signal {
        case .ready:
            flushStream(connection)
        case .overflow:
            logger?.info("slow client dropped: stream buffer full", metadata: ["remote": connection.remoteAddress])
            close(connection, reason: .bufferOverflow)
        }
    }

    /// A response is fully written: read the next request (pipelined bytes first) or close.
    private func responseComplete(_ connection: Connection, keepAlive: Bool) {
        guard keepAlive, !stopping, !connection.peerClosed else {
            beginLingeringClose(connection)
            return
        }
        connection.state = .readingHead
        connection.isIdle = true
        connection.readDeadline = now + settings.idleTimeout
        processInput(connection)
    }

    /// Shuts down the write side and waits briefly for the client to close, discarding its input,
    /// so unread request bytes do not turn the close into a reset that could destroy the response.
    /// During shutdown, a connection with nothing unread is closed at once (a plain FIN).
    private func beginLingeringClose(_ connection: Connection) {
        guard !connection.peerClosed, !(stopping && !hasUnreadInput(connection)) else {
            close(connection, reason: .finished)
            return
        }
        shutdown(connection.descriptor, Int32(SHUT_WR))
        connection.input = []
        connection.state = .lingering
        connection.readDeadline = now + settings.lingerTimeout
    }

    private func hasUnreadInput(_ connection: Connection) -> Bool {
        var byte: UInt8 = 0
        return recv(connection.descriptor, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) > 0
    }

    /// Closes the socket and forgets the connection: cancels its handler, ends its stream.
    func close(_ connection: Connection, reason: HTTPStreamTermination) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        deadlines.remove(connection.id)
        openConnections.subtract(1, ordering: .relaxed)  // before the client can observe the close
        Glibc.close(connection.descriptor)  // also removes it from the epoll set
        connection.handlerTask?.cancel()
        connection.handlerTask = nil
        if case .streaming(let stream) = connection.state {
            stream.writer.terminate(reason)
            stream.producer?.cancel()
        }
        connection.state = .lingering
        connection.input = []
        connection.output.clear()
        resumeListener()
    }

    /// Registers the epoll events and the deadline the connection's state calls for.
    func settle(_ connection: Connection) {
        guard connections[connection.id] != nil else { return }
        var events: UInt32 = 0
        var deadline: UInt64?
        switch connection.state {
        case .readingHead, .readingBody:
            if !connection.peerClosed { events |= Epoll.readable }
            deadline = connection.readDeadline
        case .handling:
            // Only to learn that the client went away: a long handler (`/wait`, a slow query)
            // is then cancelled at once instead of holding its descriptor until it answers.
            events |= Epoll.peerClosed
        case .writing:
            deadline = connection.lastWriteProgress + settings.writeTimeout
        case .streaming(let stream):
            if !connection.peerClosed { events |= Epoll.readable }
            if stream.pending {
                events |= Epoll.writable
                deadline = connection.lastWriteProgress + settings.writeTimeout
            }
        case .lingering:
            events |= Epoll.readable
            deadline = connection.readDeadline
        }
        if !connection.output.isEmpty {
            events |= Epoll.writable
            let writeDeadline = connection.lastWriteProgress + settings.writeTimeout
            deadline = min(deadline ?? writeDeadline, writeDeadline)
        }
        if events != connection.registeredEvents {
            if epoll.modify(connection.descriptor, events: events, tag: connection.id) {
                connection.registeredEvents = events
            } else {
                close(connection, reason: .clientDisconnected)
                return
            }
        }
        deadlines.set(connection.id, deadline)
    }
}
