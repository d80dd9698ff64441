import StewardCore
import Synchronization

/// An HTTP/1.1 server on one epoll event-loop thread, usable standalone or as a `Runnable` of a
/// StewardCore lifecycle.
///
/// As a component, ``initialize(_:)`` binds the socket (a bind failure is an init error, and
/// ``boundPort`` is known before `run`), ``run(_:)`` serves until the component is asked to stop
/// (or its task is cancelled), then shuts down gracefully and returns:
///
/// ```swift
/// var router = HTTPRouter()
/// router.get("/livez") { _ in .text("ok\n") }
/// let server = HTTPServer(configuration: .init(port: 8080), handler: router)
/// builder.add(server, name: "http", options: .init(priority: 0))
/// ```
///
/// As a `ReadinessReporting` component it is ready (its health key is its component name)
/// only once it listens: the next priority group and the application's readiness wait for that.
///
/// Standalone: ``start()`` binds and serves, ``shutdown()`` stops.
///
/// Shutting down closes the listening socket at once, closes connections that have no response
/// in flight, lets in-flight responses finish (with `Connection: close`) and ends streams (their
/// writers see ``HTTPStreamTermination/serverStopped``), then after
/// ``HTTPServerConfiguration/shutdownGracePeriod`` closes whatever remains.
public final class HTTPServer: ReadinessReporting {
    private enum Phase {
        case idle
        case bound(ListeningSocket)
        case running(EventLoop)
    }

    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger?
    private let phase = Mutex(Phase.idle)

    /// Creates a server answering every request with `handler` (often an ``HTTPRouter``).
    /// - Parameter logger: where the server logs; `nil` uses the component's logger under a
    ///   lifecycle and logs nothing standalone.
    public init(configuration: HTTPServerConfiguration = .init(), logger: Logger? = nil, handler: some HTTPHandler) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
    }

    /// Creates a server answering every request with a closure.
    public convenience init(configuration: HTTPServerConfiguration = .init(), logger: Logger? = nil,
                            handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        self.init(configuration: configuration, logger: logger, handler: HTTPClosureHandler(handle))
    }

    /// The port the server is bound to (the real one when 0 was configured), or `nil` when not bound.
    public var boundPort: Int? {
        phase.withLock { phase in
            switch phase {
            case .idle: nil
            case .bound(let listener): listener.port
            case .running(let loop): loop.listener.port
            }
        }
    }

    /// The bound address, e.g. `127.0.0.1:40213` or `[::1]:8080`, or `nil` when not bound.
    public var boundAddress: String? {
        phase.withLock { phase in
            switch phase {
            case .idle: nil
            case .bound(let listener): listener.address
            case .running(let loop): loop.listener.address
            }
        }
    }

    /// Whether the event loop is running (between ``start()`` and the end of ``shutdown()``).
    public var isServing: Bool {
        phase.withLock { phase in
            if case .running = phase { true } else { false }
        }
    }

    /// The number of open client connections.
    public var connectionCount: Int {
        let loop = phase.withLock { phase -> EventLoop? in
            if case .running(let loop) = phase { loop } else { nil }
        }
        return loop?.openConnections.load(ordering: .relaxed) ?? 0
    }

    /// Binds and listens, without serving yet (connections wait in the backlog). A no-op when
    /// already bound or serving.
    /// - Throws: ``HTTPServerError`` naming the address (in use, permission denied, …).
    public func bind() throws(HTTPServerError) {
        try phase.withLock { (phase: inout Phase) throws(HTTPServerError) in
            guard case .idle = phase else { return }
            phase = .bound(try ListeningSocket.open(configuration))
        }
    }

    /// Binds (if needed) and starts the event-loop thread. A no-op when already serving.
    /// - Throws: ``HTTPServerError`` if binding or starting the loop fails.
    public func start() throws(HTTPServerError) {
        _ = try startLoop(logger: logger)
    }

    /// Stops serving (see the type's discussion) and returns once every connection is closed, at
    /// most about ``HTTPServerConfiguration/shutdownGracePeriod`` later. Also closes a socket that
    /// was bound but never served. The server can be started again afterwards.
    public func shutdown() async {
        let loop = phase.withLock { (phase: inout Phase) -> EventLoop? in
            switch phase {
            case .idle:
                return nil
            case .bound(let listener):
                listener.close()
                phase = .idle
                return nil
            case .running(let loop):
                return loop
            }
        }
        guard let loop else { return }
        loop.requestStop()
        await loop.finished.waitIgnoringCancellation()
        phase.withLock { phase in
            if case .running(let current) = phase, current === loop { phase = .idle }
        }
    }

    // MARK: Runnable

    /// Binds the socket, so that a bind failure fails startup and ``boundPort`` is known.
    public func initialize(_ context: LifecycleContext) async throws {
        try bind()
    }

    /// Serves until the component is asked to stop or the task is cancelled, then shuts down and
    /// returns. Marks ``HTTPServerConfiguration/healthKey`` healthy while serving.
    /// - Throws: ``HTTPServerError`` if binding or starting fails, or if the event loop failed.
    public func run(_ context: LifecycleContext) async throws {
        let log = logger ?? context.logger
        let loop = try startLoop(logger: log)
        log.info("serving HTTP", metadata: ["address": loop.listener.address])
        context.setReady(true)
        if let key = configuration.healthKey { try? context.setHealth(key, healthy: true) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await context.untilStopRequested() }
            group.addTask { await loop.finished.wait() }
            await group.next()
            group.cancelAll()
        }
        context.setReady(false, reason: "stopped")
        if let key = configuration.healthKey { try? context.setHealth(key, healthy: false, reason: "stopped") }
        await shutdown()
        if let failure = loop.failure { throw failure }
    }

    /// Begins the shutdown without waiting; `run` completes it and returns.
    public func stop(_ context: LifecycleContext) async throws {
        let loop = phase.withLock { phase -> EventLoop? in
            if case .running(let loop) = phase { loop } else { nil }
        }
        loop?.requestStop()
    }

    /// Closes the socket if `run` never served on it (startup aborted), or finishes a shutdown.
    public func finalize(_ context: LifecycleContext) async throws {
        await shutdown()
    }

    /// The timeout of the event loop's latest `epoll_wait` in milliseconds (-1 = none), or `nil`
    /// when not serving. For tests.
    var eventLoopWaitTimeout: Int32? {
        let loop = phase.withLock { phase -> EventLoop? in
            if case .running(let loop) = phase { loop } else { nil }
        }
        return loop?.lastWaitTimeout.load(ordering: .relaxed)
    }

    // MARK: Private

    private func startLoop(logger: Logger?) throws(HTTPServerError) -> EventLoop {
        try phase.withLock { (phase: inout Phase) throws(HTTPServerError) -> EventLoop in
            let listener: ListeningSocket
            switch phase {
            case .running(let loop):
                return loop
            case .bound(let bound):
                listener = bound
            case .idle:
                listener = try ListeningSocket.open(configuration)
            }
            phase = .idle
            let loop: EventLoop
            do throws(HTTPServerError) {
                loop = try EventLoop(listener: listener, configuration: configuration, handler: handler, logger: logger)
            } catch {
                listener.close()
                throw error
            }
            try loop.start()  // closes the listener itself on failure
            phase = .running(loop)
            return loop
        }
    }
}
