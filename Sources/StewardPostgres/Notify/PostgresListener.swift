#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import CStewardSystem
import StewardCore
import Synchronization

/// A notification sent with `NOTIFY channel, 'payload'` (or `pg_notify`).
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// Its payload (empty when none was given).
    public var payload: String
    /// The process id of the server backend that sent it.
    public var senderPID: Int32
}

/// What a ``PostgresListener`` reports.
public enum PostgresListenerEvent: Sendable, Hashable {
    /// Connected and listening on every channel. Notifications sent while it was not listening
    /// are lost: a consumer re-reads what it watches (its polling fallback) on each `listening`.
    case listening
    /// A notification arrived.
    case notification(PostgresNotification)
    /// The connection could not be made or broke; the listener tries again after its backoff.
    case lost(PostgresError)
}

/// LISTEN on a dedicated connection, on a thread of its own: it waits in `poll` on libpq's
/// socket (and a wake-up pipe for ``close()``), so it costs nothing while nothing arrives, reads
/// with `PQconsumeInput` and hands each `PQnotifies` result to ``events``. When the connection
/// is lost it reports it and reconnects with backoff, listening again on every channel.
public final class PostgresListener: Sendable {
    /// The listener's events, in order. Ends after ``close()``.
    public let events: AsyncStream<PostgresListenerEvent>
    private let core: Core

    /// Starts listening on `channels` (names as given, quoted by libpq).
    /// - Throws: `connection` when the thread or its wake-up pipe cannot be made (a server that
    ///   cannot be reached is reported as a `lost` event, not thrown).
    public init(_ configuration: PostgresConfiguration, channels: [String],
                backoff: PostgresBackoff = PostgresBackoff()) throws(PostgresError) {
        var fds: [Int32] = [0, 0]
        guard steward_pipe_cloexec(&fds) == 0 else {
            throw PostgresError(.connection, message: "cannot make the listener's wake-up pipe (errno \(errno))")
        }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresListenerEvent.self)
        events = stream
        let core = Core(configuration: configuration, channels: channels, backoff: backoff,
                        wakeRead: fds[0], wakeWrite: fds[1], continuation: continuation)
        self.core = core
        if case .failure(let failure) = DetachedThread.spawn(name: "steward-pg-listen", { core.loop() }) {
            throw PostgresError(.connection, message: "cannot start the listener's thread: \(failure)")
        }
    }

    /// Stops listening: the thread closes the connection and exits, and ``events`` ends.
    public func close() { core.close() }

    deinit { core.close() }

    /// The thread's state; the session lives only on the thread.
    private final class Core: @unchecked Sendable {
        let configuration: PostgresConfiguration
        let channels: [String]
        let backoff: PostgresBackoff
        let wakeRead: Int32
        let wakeWrite: Int32
        let continuation: AsyncStream<PostgresListenerEvent>.Continuation
        let closed = Atomic<Bool>(false)

        init(configuration: PostgresConfiguration, channels: [String], backoff: PostgresBackoff, wakeRead: Int32,
             wakeWrite: Int32, continuation: AsyncStream<PostgresListenerEvent>.Continuation) {
            self.configuration = configuration
            self.channels = channels
            self.backoff = backoff
            self.wakeRead = wakeRead
            self.wakeWrite = wakeWrite
            self.continuation = continuation
        }

        func close() {
            guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }

        /// The pipe closes with the last reference (the listener's or the thread's), never while
        /// ``close()`` may still write to it.
        deinit {
            Glibc.close(wakeRead)
            Glibc.close(wakeWrite)
        }

        func loop() {
            var failures = 0
            while !closed.load(ordering: .acquiring) {
                do throws(PostgresError) {
                    let session = try PostgresSession(configuration)
                    for channel in channels { try session.execute("LISTEN " + session.quotedIdentifier(channel)) }
                    failures = 0
                    continuation.yield(.listening)
                    try listen(on: session)
                } catch {
                    if closed.load(ordering: .acquiring) { break }
                    continuation.yield(.lost(error))
                    failures += 1
                    _ = wait(socket: nil, milliseconds: Int32(clamping: backoff.delay(afterFailures: failures).nanoseconds / 1_000_000))
                }
            }
            continuation.finish()
        }

        /// Delivers notifications until the connection breaks (throws) or the listener closes.
        private func listen(on session: PostgresSession) throws(PostgresError) {
            let socket = spq_socket(session.handle)
            guard socket >= 0 else { throw PostgresError(.connection, message: PostgresSession.errorText(session.handle)) }
            while true {
                deliver(session)
                guard wait(socket: socket, milliseconds: -1) else { return }
                guard spq_consumeInput(session.handle) == 1 else {
                    throw PostgresError(.connection, message: PostgresSession.errorText(session.handle))
                }
            }
        }

        private func deliver(_ session: PostgresSession) {
            while let notice = spq_notifies(session.handle) {
                let notification = PostgresNotification(
                    channel: String(cString: notice.pointee.relname), payload: notice.pointee.extra.map { String(cString: $0) } ?? "",
                    senderPID: notice.pointee.be_pid)
                spq_freemem(notice)
                continuation.yield(.notification(notification))
            }
        }

        /// Waits until `socket` is readable (`true`) or the listener is closed or the time is up
        /// (`false`). `-1` waits without limit.
        private func wait(socket: Int32?, milliseconds: Int32) -> Bool {
            var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            if let socket { descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
            while true {
                if closed.load(ordering: .acquiring) { return false }
                let count = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return false }
                if descriptors[0].revents != 0 {
                    var buffer = [UInt8](repeating: 0, count: 16)
                    _ = read(wakeRead, &buffer, buffer.count)
                    return false
                }
                return socket != nil && descriptors[1].revents != 0
            }
        }
    }
}
