import CStewardSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one thread that runs every task of a process run by ``StewardExecutor``: a FIFO queue of
/// jobs, a deadline heap of delayed ones (`Task.sleep`), and an `epoll` set holding an eventfd (to
/// be woken when a job arrives from another thread) and a signalfd (the process's signals).
///
/// Each turn runs the jobs that were queued when it began, in the order they came, then moves the
/// delayed jobs whose deadline passed to the queue, then asks `epoll` what is ready: while jobs
/// are queued, without waiting and at most once a millisecond (so signals are never starved by a
/// busy queue); otherwise until the nearest deadline, or without a timeout when there is none —
/// an idle loop never wakes.
///
/// **No lost wake-up.** The loop marks itself asleep under the lock in the same step in which it
/// finds the queue empty and reads the nearest deadline; an enqueuer that finds it asleep (for a
/// delayed job: asleep past the new deadline) clears the mark and writes the eventfd, also under
/// the lock. The eventfd stays readable until the loop reads it, so a write that comes before
/// `epoll_wait` makes it return at once.
final class ExecutorLoop: Sendable {
    /// The loop of this process, created by ``StewardExecutor/run(_:)``.
    nonisolated(unsafe) static var shared: ExecutorLoop?
    /// Whether a loop runs this process's tasks and takes its signals (set once, before any task).
    static let installed = Atomic<Bool>(false)

    enum Kind { case global, main }

    private struct Queued {
        let job: UnownedJob
        let kind: Kind
    }

    /// A delayed job's place in the heap: its deadline, then its arrival (FIFO among equals).
    private struct Key: Comparable {
        let nanoseconds: UInt64
        let sequence: UInt64
        static func < (a: Key, b: Key) -> Bool {
            (a.nanoseconds, a.sequence) < (b.nanoseconds, b.sequence)
        }
    }

    private enum Sleep: Equatable {
        case awake
        case until(UInt64)
        case forever
    }

    private struct State {
        var ready: [Queued] = []
        var delayed: [UInt64: UnownedJob] = [:]
        var deadlines = DeadlineHeap<Key>()
        var sequence: UInt64 = 0
        var sleep = Sleep.awake
    }

    private static let wakeTag: UInt64 = 1
    private static let signalTag: UInt64 = 2

    private let state = Mutex(State())
    private let epoll: Int32
    private let wake: Int32
    private let signals: Int32
    let mainExecutor = LoopMainExecutor()
    let taskExecutor = LoopTaskExecutor()

    /// Creates the epoll set, its eventfd and the signalfd (signals must already be blocked).
    init() throws(SystemError) {
        let epoll = steward_epoll_create()
        guard epoll >= 0 else { throw .last("epoll_create1") }
        let wake = steward_eventfd()
        guard wake >= 0 else { let e = SystemError.last("eventfd"); close(epoll); throw e }
        let signals = steward_signalfd_open()
        guard signals >= 0 else { let e = SystemError.last("signalfd"); close(wake); close(epoll); throw e }
        guard steward_epoll_add(epoll, wake, steward_epoll_in, Self.wakeTag) == 0,
              steward_epoll_add(epoll, signals, steward_epoll_in, Self.signalTag) == 0 else {
            let e = SystemError.last("epoll_ctl(EPOLL_CTL_ADD)")
            close(signals); close(wake); close(epoll)
            throw e
        }
        self.epoll = epoll
        self.wake = wake
        self.signals = signals
    }

    // MARK: Enqueueing (any thread)

    /// Queues `job` to run after every job queued before it.
    func enqueue(_ job: UnownedJob, _ kind: Kind) {
        let wakeUp = state.withLock { s -> Bool in
            s.ready.append(Queued(job: job, kind: kind))
            guard s.sleep != .awake else { return false }
            s.sleep = .awake
            return true
        }
        if wakeUp { poke() }
    }

    /// Queues `job` once `delay` has passed.
    func enqueue(_ job: UnownedJob, afterNanoseconds delay: UInt64) {
        let now = monotonicNanoseconds()
        let deadline = now &+ delay < now ? UInt64.max : now &+ delay
        let wakeUp = state.withLock { s -> Bool in
            s.sequence += 1
            s.delayed[s.sequence] = job
            s.deadlines.set(s.sequence, Key(nanoseconds: deadline, sequence: s.sequence))
            switch s.sleep {
            case .awake: return false
            case .until(let instant) where instant <= deadline: return false
            case .until, .forever:
                s.sleep = .awake
                return true
            }
        }
        if wakeUp { poke() }
    }

    private func poke() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    // MARK: The loop (its own thread)

    /// Runs jobs, delayed jobs and signals forever, on the calling thread.
    func run() -> Never {
        let capacity = 4
        var events = [UInt32](repeating: 0, count: capacity)
        var tags = [UInt64](repeating: 0, count: capacity)
        // Swapped with the queue under the lock: no copy and, once grown, no allocation per turn.
        var batch: [Queued] = []
        var lastPoll = monotonicNanoseconds()
        while true {
            state.withLock { swap(&$0.ready, &batch) }
            for queued in batch { runJob(queued) }
            batch.removeAll(keepingCapacity: true)
            let now = monotonicNanoseconds()
            let (timeout, asleep) = state.withLock { s -> (Int32, Bool) in
                for id in s.deadlines.popExpired(now: Key(nanoseconds: now, sequence: .max)) {
                    if let job = s.delayed.removeValue(forKey: id) { s.ready.append(Queued(job: job, kind: .global)) }
                }
                guard s.ready.isEmpty else { return (0, false) }
                guard let earliest = s.deadlines.earliest?.deadline.nanoseconds else {
                    s.sleep = .forever
                    return (-1, true)
                }
                s.sleep = .until(earliest)
                return (Self.milliseconds(from: now, to: earliest), true)
            }
            // While jobs keep coming, look at the descriptors once a millisecond rather than once
            // a turn: signals are never starved, and a busy loop saves a system call per turn.
            if !asleep && now &- lastPoll < Self.busyPollInterval { continue }
            lastPoll = now
            let count = events.withUnsafeMutableBufferPointer { eventBuffer in
                tags.withUnsafeMutableBufferPointer { tagBuffer in
                    steward_epoll_wait(epoll, eventBuffer.baseAddress!, tagBuffer.baseAddress!, Int32(capacity), timeout)
                }
            }
            if asleep { state.withLock { $0.sleep = .awake } }
            for index in 0..<max(0, Int(count)) {
                switch tags[index] {
                case Self.wakeTag:
                    var value: UInt64 = 0
                    _ = read(wake, &value, 8)
                case Self.signalTag:
                    takeSignals()
                default:
                    break
                }
            }
        }
    }

    /// How often a loop that never runs out of jobs still polls its descriptors (nanoseconds).
    static let busyPollInterval: UInt64 = 1_000_000

    private func runJob(_ queued: Queued) {
        switch queued.kind {
        case .main: queued.job.runSynchronously(on: mainExecutor.asUnownedSerialExecutor())
        case .global: queued.job.runSynchronously(on: taskExecutor.asUnownedTaskExecutor())
        }
    }

    /// Reads every pending signal and hands each to ``SignalListener`` (its observers run here,
    /// as they run on the listener's queue otherwise).
    private func takeSignals() {
        var numbers = [Int32](repeating: 0, count: 16)
        while true {
            let count = numbers.withUnsafeMutableBufferPointer { steward_signalfd_read(signals, $0.baseAddress!, 16) }
            guard count > 0 else { return }
            for number in numbers[0..<Int(count)] { SignalListener.shared.deliverFromLoop(number) }
        }
    }

    /// Milliseconds from `now` to `deadline` (monotonic nanoseconds), rounded up so that the loop
    /// never wakes early and spins, clamped to `Int32.max`.
    static func milliseconds(from now: UInt64, to deadline: UInt64) -> Int32 {
        guard deadline > now else { return 0 }
        let milliseconds = (deadline - now) / 1_000_000 + ((deadline - now) % 1_000_000 == 0 ? 0 : 1)
        return Int32(min(milliseconds, UInt64(Int32.max)))
    }
}
