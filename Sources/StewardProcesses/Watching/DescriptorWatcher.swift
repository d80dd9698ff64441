import CStewardSystem
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// The process's one I/O readiness thread: every descriptor steward waits on without blocking a
/// thread — children's output pipes, probe sockets, readiness-notification channels, the jobs'
/// wall-clock timer — is registered here.
///
/// One dedicated POSIX thread (started on first use, every signal blocked) sleeps in
/// `epoll_wait`: without a timeout while no registration has a deadline (an idle watcher never
/// wakes), otherwise until the nearest deadline of a min-heap (no periodic tick). Registering a
/// deadline earlier than the one it sleeps until wakes it through an eventfd.
///
/// **Why not Dispatch sources.** On Linux, libdispatch's epoll bookkeeping can be corrupted when
/// read sources are set up and torn down concurrently (swift-corelibs-libdispatch issue #949: a
/// use-after-free, the manager thread crashing in `_dispatch_event_loop_drain`), which is exactly
/// the churn of probes running every interval for every process. Dispatch source cancellation is
/// also asynchronous, so a caller closing the descriptor right after cancelling races with it.
/// **Why epoll rather than poll(2).** Registrations are kernel-side, so a wake-up costs the number
/// of ready descriptors, not the number registered, and adding one needs no rebuild of a set.
///
/// Semantics:
/// - **Level-triggered.** A ``Mode/repeating`` registration's callback runs after every
///   `epoll_wait` that finds the descriptor ready, so it must consume the readiness (read until
///   `EAGAIN`, or remove itself at end of file) or it is called again at once. Errors and hang-ups
///   (`EPOLLERR`, `EPOLLHUP`) count as ready: the callback's own read or write finds out which.
/// - A ``Mode/once`` registration ends at its first callback; a deadline ends any registration
///   with a ``Outcome/timedOut`` callback, but only after one `epoll_wait` saw the registration
///   (a descriptor ready when registered wins over a deadline already passed). An ended
///   registration is out of the epoll set before its callback runs, so the callback (or whoever
///   it wakes) may close the descriptor.
/// - Callbacks run on the watcher thread, one at a time; they must be short and must not block
///   (every other registration waits meanwhile). They may call ``add(_:for:mode:deadline:handler:)``
///   and ``remove(_:)``.
/// - ``remove(_:)`` is synchronous: once it returns, no callback of that registration runs or is
///   still running (unless called from that very callback), and the descriptor may be closed.
/// - A registration is identified by a token, never by its descriptor number (numbers are reused
///   once closed). The same descriptor may be registered more than once (a duplicate of it is then
///   watched, closed again by the watcher). Regular files cannot be watched (`EPERM`, as epoll
///   refuses them; they are always ready).
public final class DescriptorWatcher: Sendable {
    /// The watcher of this process; its thread starts with the first registration.
    public static let shared = DescriptorWatcher(name: "steward-watch")

    /// What to wait for.
    public enum Event: Sendable, Hashable {
        /// Data, an end of file, a hang-up or an error can be read (`EPOLLIN`).
        case readable
        /// A write would not block, or a connect finished (`EPOLLOUT`).
        case writable
    }

    /// How long a registration lasts.
    public enum Mode: Sendable, Hashable {
        /// Until its first callback (ready or timed out).
        case once
        /// Until ``DescriptorWatcher/remove(_:)`` or its deadline; called whenever the descriptor
        /// is ready (level-triggered).
        case repeating
    }

    /// Why a callback runs.
    public enum Outcome: Sendable, Hashable {
        /// The descriptor is ready.
        case ready
        /// The deadline passed first; the registration has ended.
        case timedOut
    }

    /// Identifies one registration (never reused).
    public struct Registration: Sendable, Hashable {
        let id: UInt64
    }

    private struct Entry {
        /// The descriptor in the epoll set: the caller's, or a duplicate of it the watcher owns.
        let watched: Int32
        let ownsWatched: Bool
        let mode: Mode
        let handler: @Sendable (Outcome) -> Void
        /// ``State/waits`` when it was added: its deadline may only fire after an `epoll_wait`
        /// that began with it registered, so readiness present from the start always wins.
        let addedDuring: UInt64
    }

    /// What the thread is doing, so that an earlier deadline knows whether to wake it.
    private enum Sleep {
        case awake
        case until(ContinuousClock.Instant)
        case forever
    }

    private struct State {
        var epoll: Int32 = -1
        var wake: Int32 = -1
        var thread: pthread_t?
        var entries: [UInt64: Entry] = [:]
        var deadlines = DeadlineHeap<ContinuousClock.Instant>()
        var nextID: UInt64 = 1  // 0 tags the eventfd
        /// The registration whose callback is running on the watcher thread.
        var running: UInt64?
        var sleep = Sleep.awake
        /// How many `epoll_wait` calls began.
        var waits: UInt64 = 0
        var statistics = Statistics()
    }

    /// Counters for tests and diagnostics.
    struct Statistics: Sendable, Equatable {
        /// Live registrations.
        var registrations = 0
        /// Registrations with a pending deadline.
        var deadlines = 0
        /// How many times `epoll_wait` returned.
        var wakeUps = 0
        /// The timeout of the latest `epoll_wait` in milliseconds (-1: none, sleeping until an event).
        var lastTimeout: Int32 = 0
    }

    private static let wakeTag: UInt64 = 0

    private let name: String
    private let state = ConditionLock(State())

    /// A watcher whose thread is called `name` (at most 15 bytes are kept). Production code uses
    /// ``shared``; a watcher and its thread live for the rest of the process.
    init(name: String) {
        self.name = name
    }

    /// Counters of the present moment.
    var statistics: Statistics {
        state.withLock { s in
            var statistics = s.statistics
            statistics.registrations = s.entries.count
            statistics.deadlines = s.deadlines.count
            return statistics
        }
    }

    // MARK: Registering

    /// Watches `fd` for `event`; `handler` runs on the watcher thread whenever it is ready
    /// (``Mode/repeating``) or once (``Mode/once``), or with ``Outcome/timedOut`` once `deadline`
    /// passes first. The caller keeps owning `fd` and must ``remove(_:)`` the registration before
    /// closing it (unnecessary once a ``Mode/once`` callback ran or the deadline passed).
    /// - Throws: `SystemError` (StewardCore) if the watcher cannot start or epoll refuses the descriptor
    ///   (`EPERM` for a regular file, `EBADF` for a closed one).
    public func add(_ fd: Int32, for event: Event, mode: Mode = .repeating, deadline: ContinuousClock.Instant? = nil,
                    handler: @escaping @Sendable (Outcome) -> Void) throws(SystemError) -> Registration {
        let result = state.withLock { s -> Result<Registration, SystemError> in
            if s.epoll < 0, let failure = start(&s) { return .failure(failure) }
            let id = s.nextID
            s.nextID += 1
            let events = event == .readable ? steward_epoll_in : steward_epoll_out
            var watched = fd
            var owned = false
            if steward_epoll_add(s.epoll, fd, events, id) != 0 {
                guard errno == EEXIST else { return .failure(.last("epoll_ctl(EPOLL_CTL_ADD, \(fd))")) }
                // Already watched by another registration: epoll keys its set by descriptor, so
                // watch a duplicate (the same open file) under its own number.
                let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
                guard copy >= 0 else { return .failure(.last("fcntl(F_DUPFD_CLOEXEC, \(fd))")) }
                guard steward_epoll_add(s.epoll, copy, events, id) == 0 else {
                    let failure = SystemError.last("epoll_ctl(EPOLL_CTL_ADD, \(copy))")
                    close(copy)
                    return .failure(failure)
                }
                watched = copy
                owned = true
            }
            s.entries[id] = Entry(watched: watched, ownsWatched: owned, mode: mode, handler: handler, addedDuring: s.waits)
            if let deadline {
                s.deadlines.set(id, deadline)
                wakeIfSleepingPast(deadline, &s)
            }
            return .success(Registration(id: id))
        }
        return try result.get()
    }

    /// Ends a registration: once this returns, no callback of it runs or is still running, and
    /// the descriptor may be closed. Waits for a callback in progress on the watcher thread
    /// (callbacks are short), except when called from that callback itself. A no-op for a
    /// registration that already ended.
    public func remove(_ registration: Registration) {
        let id = registration.id
        let mustWait = state.withLock { s -> Bool in
            if let entry = s.entries[id] { unregister(id, entry, &s) }
            guard s.running == id else { return false }
            return s.thread.map { pthread_equal($0, pthread_self()) == 0 } ?? true
        }
        guard mustWait else { return }
        state.withLock(waitingWhile: { $0.running == id }) { _ in }
    }

    /// Takes `id` out of the table, the deadline heap and the epoll set (under the lock).
    private func unregister(_ id: UInt64, _ entry: Entry, _ s: inout State) {
        s.entries.removeValue(forKey: id)
        s.deadlines.remove(id)
        _ = steward_epoll_remove(s.epoll, entry.watched)
        if entry.ownsWatched { close(entry.watched) }
    }

    /// Wakes the thread if it sleeps past `deadline` (under the lock).
    private func wakeIfSleepingPast(_ deadline: ContinuousClock.Instant, _ s: inout State) {
        switch s.sleep {
        case .awake: return  // it recomputes its timeout before sleeping again
        case .until(let instant) where instant <= deadline: return
        case .until, .forever:
            var one: UInt64 = 1
            _ = write(s.wake, &one, 8)
            s.sleep = .awake
        }
    }

    // MARK: The thread

    /// Creates the epoll set, its eventfd and the thread (under the lock). Returns what failed;
    /// a later registration tries again.
    private func start(_ s: inout State) -> SystemError? {
        let epoll = steward_epoll_create()
        guard epoll >= 0 else { return .last("epoll_create1") }
        let wake = steward_eventfd()
        guard wake >= 0 else {
            let failure = SystemError.last("eventfd")
            close(epoll)
            return failure
        }
        guard steward_epoll_add(epoll, wake, steward_epoll_in, Self.wakeTag) == 0 else {
            let failure = SystemError.last("epoll_ctl(EPOLL_CTL_ADD, eventfd)")
            close(wake)
            close(epoll)
            return failure
        }
        let thread: pthread_t
        switch DetachedThread.spawn(name: name, { [self] in run(epoll: epoll, wake: wake) }) {
        case .success(let started): thread = started
        case .failure(let failure):
            close(wake)
            close(epoll)
            return failure
        }
        s.thread = thread
        s.epoll = epoll
        s.wake = wake
        return nil
    }

    /// The watcher thread: sleep, dispatch readiness, then expired deadlines; forever.
    private func run(epoll: Int32, wake: Int32) {
        let capacity = 256
        var events = [UInt32](repeating: 0, count: capacity)
        var tags = [UInt64](repeating: 0, count: capacity)
        while true {
            let timeout = state.withLock { s -> Int32 in
                let timeout: Int32
                if let earliest = s.deadlines.earliest?.deadline {
                    s.sleep = .until(earliest)
                    timeout = Self.milliseconds(until: earliest)
                } else {
                    s.sleep = .forever
                    timeout = -1
                }
                s.statistics.lastTimeout = timeout
                s.waits += 1
                return timeout
            }
            let count = events.withUnsafeMutableBufferPointer { eventBuffer in
                tags.withUnsafeMutableBufferPointer { tagBuffer in
                    steward_epoll_wait(epoll, eventBuffer.baseAddress!, tagBuffer.baseAddress!, Int32(capacity), timeout)
                }
            }
            let failure = count < 0 ? errno : 0
            state.withLock { s in
                s.sleep = .awake
                s.statistics.wakeUps += 1
            }
            if failure != 0 && failure != EINTR {
                usleep(10_000)  // cannot happen with a valid epoll set; never spin if it does
            }
            for index in 0..<max(0, Int(count)) {
                if tags[index] == Self.wakeTag {
                    var value: UInt64 = 0
                    _ = read(wake, &value, 8)
                } else {
                    dispatch(tags[index], .ready)
                }
            }
            let expired = state.withLock { s -> [UInt64] in
                let now = ContinuousClock.now
                var expired: [UInt64] = []
                for id in s.deadlines.popExpired(now: now) {
                    guard let entry = s.entries[id] else { continue }
                    if entry.addedDuring < s.waits {
                        expired.append(id)
                    } else {
                        s.deadlines.set(id, now)  // added during this wait: poll it once first
                    }
                }
                return expired
            }
            for id in expired { dispatch(id, .timedOut) }
        }
    }

    /// Runs the callback of `id` if it is still registered, ending the registration first when
    /// this is its last callback.
    private func dispatch(_ id: UInt64, _ outcome: Outcome) {
        let handler = state.withLock { s -> (@Sendable (Outcome) -> Void)? in
            guard let entry = s.entries[id] else { return nil }
            if entry.mode == .once || outcome == .timedOut { unregister(id, entry, &s) }
            s.running = id
            return entry.handler
        }
        guard let handler else { return }
        handler(outcome)
        state.withLock { $0.running = nil }
        state.broadcast()
    }

    /// Milliseconds from now to `deadline`, rounded up (never waking early and spinning), clamped
    /// to `Int32.max`.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = deadline - .now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        guard seconds < Int64(Int32.max / 1000) else { return Int32.max }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(min(milliseconds, Int64(Int32.max)))
    }
}
