import CStewardSystem
#if canImport(Glibc)
import Glibc
#endif

extension EventLoop {
    /// The best-effort answer to a connection beyond ``HTTPServerConfiguration/maxConnections``.
    private static let busyResponse = Array(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n".utf8)

    /// Accepts pending connections (a bounded batch per wake-up, for fairness).
    func acceptConnections() {
        for _ in 0..<128 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = withUnsafeMutablePointer(to: &storage) {
                steward_accept(listener.descriptor, $0, &length)
            }
            guard descriptor >= 0 else {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EAGAIN, EWOULDBLOCK: return
                case EMFILE, ENFILE: shedWithoutDescriptors(); return
                case let code:
                    logger?.warning("accept failed", metadata: ["errno": "\(code)"])
                    return
                }
            }
            guard connections.count < settings.maxConnections, !stopping else {
                reject(descriptor)
                continue
            }
            if let admits = settings.admitsPeer {
                let peer = PeerCredentials.of(descriptor)
                guard let peer, admits(peer) else {
                    logger?.warning("refused a connection", metadata: ["peerUID": peer.map { "\($0.uid)" } ?? "unknown",
                                                                       "peerPID": peer.map { "\($0.pid)" } ?? "unknown"])
                    refuse(descriptor)
                    continue
                }
                admit(descriptor, remote: "pid \(peer.pid) uid \(peer.uid)", peer: peer)
                continue
            }
            admit(descriptor, remote: SocketAddress(storage)?.description ?? "unknown")
        }
    }

    private func admit(_ descriptor: Int32, remote: String, peer: PeerCredentials? = nil) {
        var on: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        let id = nextConnectionID
        nextConnectionID += 1
        guard epoll.add(descriptor, events: Epoll.readable, tag: id) else {
            logger?.warning("epoll_ctl failed for a new connection", metadata: ["errno": "\(errno)"])
            Glibc.close(descriptor)
            return
        }
        let connection = Connection(id: id, descriptor: descriptor, remoteAddress: remote, limits: settings.limits,
                                    registeredEvents: Epoll.readable)
        connection.readDeadline = now + settings.headerTimeout
        connection.peer = peer
        connections[id] = connection
        openConnections.add(1, ordering: .relaxed)
        settle(connection)
    }

    /// The best-effort answer to a peer the admission check refused.
    private static let refusedResponse: [UInt8] = {
        let body = #"{"error":"permission denied: this socket admits its owner and root only"}"#
        return Array(("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body).utf8)
    }()

    /// Tells a refused peer why (if its socket takes the bytes at once), closes.
    private func refuse(_ descriptor: Int32) {
        Self.refusedResponse.withUnsafeBytes { raw in
            _ = send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        Glibc.close(descriptor)
    }

    /// Tells an over-limit client the server is busy (if its socket takes the bytes at once), closes.
    private func reject(_ descriptor: Int32) {
        Self.busyResponse.withUnsafeBytes { raw in
            _ = send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        Glibc.close(descriptor)
    }

    /// Out of descriptors: frees the reserve descriptor to accept and close one pending connection,
    /// so the level-triggered listener does not spin, then takes the reserve back.
    private func shedWithoutDescriptors() {
        logger?.warning("out of file descriptors; refusing a connection")
        guard reserveDescriptor >= 0 else { return }
        Glibc.close(reserveDescriptor)
        let descriptor = steward_accept(listener.descriptor, nil, nil)
        if descriptor >= 0 { Glibc.close(descriptor) }
        reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if reserveDescriptor < 0 { pauseListener() }
    }

    /// Stops watching the listener (no descriptor to spare); ``resumeListener()`` undoes it.
    private func pauseListener() {
        guard listenerOpen, !listenerPaused else { return }
        listenerPaused = true
        epoll.remove(listener.descriptor)
    }

    /// Watches the listener again after a connection closed, if it was paused.
    func resumeListener() {
        guard listenerOpen, listenerPaused else { return }
        listenerPaused = false
        if reserveDescriptor < 0 { reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC) }
        _ = epoll.add(listener.descriptor, events: Epoll.readable, tag: Self.listenerTag)
    }
}
