import StewardCore
import Synchronization

/// A connection to a PostgreSQL server that async code can use without blocking Swift's
/// cooperative pool: every libpq call runs on a thread of the connection's own
/// (`steward-postgres`), one piece of work at a time, in the order asked.
///
/// The connection opens lazily (on the first piece of work, or ``connect()``). When the server is
/// lost, the work in flight fails with a `connection` error and the session is dropped; the next
/// piece of work reconnects, but not before the backoff since the last failed attempt has passed
/// (until then work fails at once, without touching the network), so an outage costs one
/// attempt per backoff interval, not one per caller.
public final class PostgresConnection: Sendable {
    /// The configuration it connects with.
    public let configuration: PostgresConfiguration
    /// The waits between reconnection attempts.
    public let backoff: PostgresBackoff

    private typealias Work = @Sendable (Worker) -> Void
    private struct State {
        var queue: [Work] = []
        var closing = false
        var finished = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: ConditionLock<State>

    /// Creates a connection and starts its thread (nothing is sent until there is work).
    /// - Throws: `connection` when the thread cannot be started.
    public init(_ configuration: PostgresConfiguration, backoff: PostgresBackoff = PostgresBackoff()) throws(PostgresError) {
        self.configuration = configuration
        self.backoff = backoff
        let state = ConditionLock(State())
        self.state = state
        let worker = Worker(configuration: configuration, backoff: backoff)
        if case .failure(let failure) = DetachedThread.spawn(name: "steward-postgres", { Self.loop(state, worker) }) {
            throw PostgresError(.connection, message: "cannot start the connection's thread: \(failure)")
        }
    }

    /// Connects now (if not connected), so a bad address or password shows at start.
    /// - Throws: `configuration` or `connection`.
    public func connect() async throws(PostgresError) {
        try await withSession { _ in }
    }

    /// Runs `body` with the open session on the connection's thread (connecting first if
    /// needed) and returns what it returns.
    /// - Throws: what `body` throws; `connection` when the server cannot be reached (or the
    ///   backoff has not passed since the last failed attempt); `closed` after ``close()``.
    public func withSession<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> Value
    ) async throws(PostgresError) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, PostgresError>, Never>) in
            let accepted = state.withLock { s -> Bool in
                guard !s.closing else { return false }
                s.queue.append { worker in continuation.resume(returning: worker.run(body)) }
                return true
            }
            if accepted { state.broadcast() } else {
                continuation.resume(returning: .failure(PostgresError(.closed, message: "the connection is closed")))
            }
        }
        return try result.get()
    }

    /// Runs one statement (see ``PostgresSession/query(_:_:)``).
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws(PostgresError) -> PostgresRows {
        try await withSession { session throws(PostgresError) in try session.query(sql, parameters) }
    }

    /// Runs `body` in a transaction: `BEGIN` (with `isolation`, e.g. `"SERIALIZABLE"`), then
    /// `COMMIT` when it returns, `ROLLBACK` when it throws.
    /// - Throws: what `body` or the commit throws.
    public func transaction<Value: Sendable>(
        isolation: String? = nil, _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> Value
    ) async throws(PostgresError) -> Value {
        try await withSession { session throws(PostgresError) in try session.transaction(isolation: isolation, body) }
    }

    /// Finishes the queued work, closes the connection and stops the thread. Later work fails
    /// with `closed`.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                s.closing = true
                if s.finished { return true }
                s.closeWaiters.append(continuation)
                return false
            }
            state.broadcast()
            if done { continuation.resume() }
        }
    }

    deinit {
        state.withLock { $0.closing = true }
        state.broadcast()
    }

    // MARK: The thread

    private static func loop(_ state: ConditionLock<State>, _ worker: Worker) {
        while true {
            let work = state.withLock(waitingWhile: { $0.queue.isEmpty && !$0.closing }) { s -> Work? in
                s.queue.isEmpty ? nil : s.queue.removeFirst()
            }
            guard let work else { break }
            work(worker)
        }
        worker.session = nil
        let waiters = state.withLock { s in
            s.finished = true
            defer { s.closeWaiters = [] }
            return s.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The thread's side: the session and the reconnection backoff. Touched only on the thread.
    private final class Worker: @unchecked Sendable {
        let configuration: PostgresConfiguration
        let backoff: PostgresBackoff
        var session: PostgresSession?
        var failures = 0
        var nextAttempt: UInt64 = 0
        var lastError: PostgresError?

        init(configuration: PostgresConfiguration, backoff: PostgresBackoff) {
            self.configuration = configuration
            self.backoff = backoff
        }

        func run<Value>(_ body: (PostgresSession) throws(PostgresError) -> Value) -> Result<Value, PostgresError> {
            do throws(PostgresError) {
                let session = try open()
                do throws(PostgresError) {
                    return .success(try body(session))
                } catch {
                    if !session.isOpen { self.session = nil }
                    throw error
                }
            } catch {
                return .failure(error)
            }
        }

        private func open() throws(PostgresError) -> PostgresSession {
            if let session, session.isOpen { return session }
            session = nil
            let now = monotonicNanoseconds()
            if now < nextAttempt, let lastError {
                let wait = Double(nextAttempt - now) / 1e9
                throw PostgresError(lastError.kind, message: lastError.message + " (next attempt in \((wait * 10).rounded() / 10) s)")
            }
            do throws(PostgresError) {
                let session = try PostgresSession(configuration)
                self.session = session
                failures = 0
                lastError = nil
                return session
            } catch {
                failures += 1
                lastError = error
                nextAttempt = monotonicNanoseconds() &+ backoff.delay(afterFailures: failures).nanoseconds
                throw error
            }
        }
    }
}

extension PostgresSession {
    /// Runs `body` between `BEGIN` and `COMMIT` on this session (`ROLLBACK` when it throws).
    public func transaction<Value>(isolation: String? = nil,
                                   _ body: (PostgresSession) throws(PostgresError) -> Value) throws(PostgresError) -> Value {
        try execute(isolation.map { "BEGIN ISOLATION LEVEL \($0)" } ?? "BEGIN")
        do throws(PostgresError) {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if isOpen { _ = try? execute("ROLLBACK") }
            throw error
        }
    }
}
