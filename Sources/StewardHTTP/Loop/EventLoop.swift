#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import Synchronization

/// The server's single event-loop thread: accepts connections, reads and parses requests, starts
/// handler tasks, writes responses, and enforces every timeout.
///
/// All connection state is confined to the loop thread. Other threads talk to it only through
/// ``post(_:)`` (a locked inbox plus an eventfd wake-up): handler responses, stream writer
/// signals, and the stop request. The loop sleeps in `epoll_wait` until the nearest connection
/// deadline (a ``DeadlineHeap``), or without timeout when none is pending.
final class EventLoop: @unchecked Sendable {
    /// A message from another thread.
    enum Message: Sendable {
        /// A handler finished for connection `id`.
        case response(id: UInt64, HTTPResponse)
        /// The stream writer of connection `id` has bytes (or overflowed).
        case stream(id: UInt64, HTTPStreamWriter.Signal)
        /// Begin shutting down.
        case stop
    }

    /// Timeouts in nanoseconds and limits, read from the configuration once.
    struct Settings {
        var limits: RequestLimits
        var headerTimeout: UInt64
        var bodyTimeout: UInt64
        var idleTimeout: UInt64
        var writeTimeout: UInt64
        var lingerTimeout: UInt64
        var shutdownGrace: UInt64
        var maxConnections: Int
        var streamBufferLimit: Int
        var admitsPeer: (@Sendable (PeerCredentials) -> Bool)?

        init(_ configuration: HTTPServerConfiguration) {
            admitsPeer = configuration.admitsPeer
            limits = RequestLimits(configuration)
            headerTimeout = configuration.headerTimeout.clampedNanoseconds
            bodyTimeout = configuration.bodyTimeout.clampedNanoseconds
            idleTimeout = configuration.idleTimeout.clampedNanoseconds
            writeTimeout = configuration.writeTimeout.clampedNanoseconds
            lingerTimeout = min(2_000_000_000, writeTimeout)
            shutdownGrace = configuration.shutdownGracePeriod.clampedNanoseconds
            maxConnections = max(1, configuration.maxConnections)
            streamBufferLimit = max(1024, configuration.streamBufferLimit)
        }
    }

    private struct Inbox {
        var messages: [Message] = []
        var wakePending = false
        var closed = false
    }

    static let listenerTag: UInt64 = 0
    /// The heap id of the shutdown grace deadline (connection ids start above it).
    static let shutdownTimerID: UInt64 = 0

    let listener: ListeningSocket
    let settings: Settings
    let handler: any HTTPHandler
    let logger: Logger?
    let epoll: Epoll
    /// Fires when the loop thread has closed everything and exited.
    let finished = Latch()
    /// Open connections, readable from any thread.
    let openConnections = Atomic<Int>(0)
    /// The timeout of the latest `epoll_wait` (-1: no deadline pending), for tests to observe that
    /// an idle loop sleeps without a timer.
    let lastWaitTimeout = Atomic<Int32>(0)
    private let inbox = Mutex(Inbox())
    private let failureState = Mutex<HTTPServerError?>(nil)

    /// Why the loop stopped on its own (a failing `epoll_wait`), if it did.
    var failure: HTTPServerError? { failureState.withLock { $0 } }

    // Loop-thread state.
    var connections: [UInt64: Connection] = [:]
    var deadlines = DeadlineHeap<UInt64>()
    var now: UInt64 = 0
    var nextConnectionID: UInt64 = 2
    var stopping = false
    var listenerOpen = true
    var listenerPaused = false
    var reserveDescriptor: Int32 = -1
    var dates = HTTPDate()
    var readScratch = [UInt8](repeating: 0, count: 64 * 1024)
    /// How deep immediate answers are nested now (see `dispatch`).
    var immediateDepth = 0

    init(listener: ListeningSocket, configuration: HTTPServerConfiguration, handler: any HTTPHandler,
         logger: Logger?) throws(HTTPServerError) {
        self.listener = listener
        self.settings = Settings(configuration)
        self.handler = handler
        self.logger = logger
        switch Epoll.make() {
        case .success(let epoll): self.epoll = epoll
        case .failure(let failure):
            throw HTTPServerError(code: .system, address: listener.address, operation: failure.operation, errno: failure.code)
        }
        guard epoll.add(listener.descriptor, events: Epoll.readable, tag: Self.listenerTag) else {
            let code = errno
            epoll.close()
            throw HTTPServerError(code: .system, address: listener.address, operation: "epoll_ctl", errno: code)
        }
        reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    /// Starts the loop thread.
    func start() throws(HTTPServerError) {
        if case .failure(let failure) = DetachedThread.spawn(name: "steward-http", { [self] in runLoop() }) {
            teardown()
            throw HTTPServerError(code: .system, address: listener.address, operation: failure.operation, errno: failure.code)
        }
    }

    /// Asks the loop to shut down (from any thread). ``finished`` fires when it is done.
    func requestStop() { post(.stop) }

    /// Hands a message to the loop thread and wakes it. Dropped once the loop has exited.
    func post(_ message: Message) {
        inbox.withLock { box in
            guard !box.closed else { return }
            box.messages.append(message)
            if !box.wakePending {
                box.wakePending = true
                epoll.wake()  // under the lock: teardown closes the eventfd under the same lock
            }
        }
    }

    // MARK: The loop

    private func runLoop() {
        let capacity = 256
        var events = [UInt32](repeating: 0, count: capacity)
        var tags = [UInt64](repeating: 0, count: capacity)
        logger?.debug("listening", metadata: ["address": listener.address])
        while true {
            now = monotonicNanoseconds()
            let timeout = nextTimeout()
            lastWaitTimeout.store(timeout, ordering: .relaxed)
            let count = events.withUnsafeMutableBufferPointer { eventsBuffer in
                tags.withUnsafeMutableBufferPointer { tagsBuffer in
                    epoll.wait(events: eventsBuffer.baseAddress!, tags: tagsBuffer.baseAddress!, capacity: Int32(capacity),
                               timeout: timeout)
                }
            }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                logger?.critical("epoll_wait failed; the HTTP server stops", metadata: ["errno": "\(code)"])
                failureState.withLock {
                    $0 = HTTPServerError(code: .system, address: listener.address, operation: "epoll_wait", errno: code)
                }
                break
            }
            now = monotonicNanoseconds()
            for index in 0..<Int(count) {
                switch tags[index] {
                case Self.listenerTag: acceptConnections()
                case Epoll.wakeTag: epoll.acknowledgeWake()
                case let id: connectionEvent(id: id, events: events[index])
                }
            }
            drainInbox()
            expireDeadlines()
            if stopping && connections.isEmpty { break }
        }
        teardown()
    }

    /// Milliseconds until the nearest deadline (rounded up), or -1 to sleep until an event.
    private func nextTimeout() -> Int32 {
        guard let earliest = deadlines.earliest else { return -1 }
        guard earliest.deadline > now else { return 0 }
        let milliseconds = (earliest.deadline - now + 999_999) / 1_000_000
        return Int32(min(milliseconds, UInt64(Int32.max)))
    }

    private func drainInbox() {
        let messages = inbox.withLock { box -> [Message] in
            box.wakePending = false
            defer { box.messages = [] }
            return box.messages
        }
        for message in messages {
            switch message {
            case .response(let id, let response):
                guard let connection = connections[id] else { continue }
                deliver(response, to: connection)
                settle(connection)
            case .stream(let id, let signal):
                guard let connection = connections[id] else { continue }
                streamSignalled(connection, signal)
                settle(connection)
            case .stop:
                beginStop()
            }
        }
    }

    private func expireDeadlines() {
        for id in deadlines.popExpired(now: now) {
            if id == Self.shutdownTimerID {
                logger?.debug("shutdown grace period over; closing connections", metadata: ["count": "\(connections.count)"])
                for connection in Array(connections.values) { close(connection, reason: .serverStopped) }
                continue
            }
            guard let connection = connections[id] else { continue }
            timedOut(connection)
        }
    }

    // MARK: Shutdown

    /// Stops accepting, closes connections that have no response in flight, lets the others finish
    /// (with `Connection: close`) within the grace period.
    private func beginStop() {
        guard !stopping else { return }
        stopping = true
        closeListener()
        deadlines.set(Self.shutdownTimerID, now + settings.shutdownGrace)
        for connection in Array(connections.values) {
            switch connection.state {
            case .readingHead, .readingBody, .lingering:
                close(connection, reason: .serverStopped)
            case .handling, .writing:
                break  // finishes its response, then closes (stopping forbids keep-alive)
            case .streaming(let stream):
                stream.writer.stopForShutdown()
                stream.producer?.cancel()
                flushStream(connection)
            }
            settle(connection)
        }
    }

    private func closeListener() {
        guard listenerOpen else { return }
        listenerOpen = false
        if !listenerPaused { epoll.remove(listener.descriptor) }
        listener.close()
    }

    /// Closes everything; the loop thread is about to exit (or never started).
    private func teardown() {
        stopping = true
        closeListener()
        for connection in Array(connections.values) { close(connection, reason: .serverStopped) }
        inbox.withLock { box in
            box.closed = true
            box.messages = []
            epoll.close()
        }
        if reserveDescriptor >= 0 { Glibc.close(reserveDescriptor) }
        reserveDescriptor = -1
        logger?.debug("stopped", metadata: ["address": listener.address])
        finished.fire()
    }
}
