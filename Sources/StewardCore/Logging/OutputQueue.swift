#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The one output path: every line steward writes (its own log records, its children's prefixed
/// output, a process's log file) is handed to the queue of its destination and written by a thread
/// of that queue's own.
///
/// Why: a destination can stop draining — a pipe whose reader fell behind (Docker's blocking log
/// mode), a terminal paused with Ctrl-S, a stalled pager, a hung disk. Whoever produced the line (the
/// thread that handles signals and reaps children, the epoll thread that runs probes and timers)
/// must never wait for it, so ``enqueue(_:)`` never blocks:
/// - lines wait in memory up to ``capacity`` bytes; past that a line is dropped and counted;
/// - once the destination takes lines again and the queue has drained, one note line says how many
///   were dropped (``Note``), and ``droppedLines`` keeps the total for metrics;
/// - a destination that is gone for good (`EPIPE`, `EBADF`) stops the queue: later lines are
///   dropped unwritten (and counted).
///
/// The writer thread starts with the first line and blocks in `write(2)` or on a condition
/// variable, never polling; it ends when the queue is released. Lines of one queue are written in
/// the order they were enqueued, whole (several lines may share one `write(2)`).
public final class OutputQueue: Sendable {
    /// Delivers a batch of lines to the destination; returns `false` when the destination is gone
    /// for good. Runs on the queue's writer thread only.
    public typealias Deliver = @Sendable (_ lines: [[UInt8]]) -> Bool
    /// The line that reports `count` dropped lines (newline included).
    public typealias Note = @Sendable (_ count: Int) -> [UInt8]

    /// The most bytes that wait in memory; a line that would pass it is dropped.
    public let capacity: Int
    private let core: Core

    /// Creates a queue delivering batches of lines with `deliver` on a thread named `name`.
    public init(name: String, capacity: Int = 1 << 20, deliver: @escaping Deliver, note: @escaping Note = OutputQueue.plainNote) {
        self.capacity = max(1, capacity)
        core = Core(name: name, capacity: max(1, capacity), deliver: deliver, note: note)
    }

    /// A queue writing to `descriptor` (not owned: never closed). `SIGPIPE` cannot kill the
    /// process over it: the writer thread blocks every signal, so a closed pipe is `EPIPE`.
    public convenience init(descriptor: Int32, capacity: Int = 1 << 20, note: @escaping Note = OutputQueue.plainNote) {
        self.init(name: "steward-out\(descriptor)", capacity: capacity, deliver: { lines in
            DescriptorWriting.writeAll(lines, to: descriptor)
        }, note: note)
    }

    deinit { core.retire() }

    /// Steward's standard output, shared by every writer of descriptor 1 in this process.
    public static let standardOutput: OutputQueue = {
        flushAtExit
        return OutputQueue(descriptor: 1)
    }()
    /// Steward's standard error, shared by every writer of descriptor 2 in this process.
    public static let standardError: OutputQueue = {
        flushAtExit
        return OutputQueue(descriptor: 2)
    }()

    /// Registers, once, an `atexit` handler that gives the standard queues a bounded chance to
    /// write what they hold (``flushStandard(timeout:)``): a program that logs and then calls
    /// `exit` keeps its last lines. `_exit` and a kill by signal skip it, as they skip stdio's.
    private static let flushAtExit: Void = {
        atexit { OutputQueue.flushStandard() }
    }()

    /// The shared queue for descriptor 1 or 2; `nil` for any other descriptor.
    public static func standard(_ descriptor: Int32) -> OutputQueue? {
        switch descriptor {
        case 1: standardOutput
        case 2: standardError
        default: nil
        }
    }

    /// A plain-text note: `steward: N line(s) dropped: the output was not being read fast enough`.
    public static let plainNote: Note = { count in
        Array("steward: \(count) line(s) dropped: the output was not being read fast enough\n".utf8)
    }

    /// Queues `line` (its newline included) for writing; never blocks. Dropped and counted when
    /// the queue is full or the destination is gone.
    public func enqueue(_ line: [UInt8]) {
        core.enqueue(line)
    }

    /// Replaces the note line for dropped lines (a log sink makes it a record in its own format).
    public func setNote(_ note: @escaping Note) {
        core.state.withLock { $0.note = note }
    }

    /// Every line dropped so far (full queue, or destination gone).
    public var droppedLines: Int { core.state.withLock { $0.droppedTotal } }
    /// Whether the destination is gone for good (`EPIPE`, `EBADF`): every later line is dropped.
    public var hasStopped: Bool { core.state.withLock { $0.stopped } }

    /// Waits until every line queued so far is written (or dropped, and the note about it
    /// written), or until `timeout` passes, or — with `stall` — until the writer has been stuck in
    /// one write for that long (a destination that stopped draining will not drain by waiting).
    /// Returns whether the queue drained. For the end of a process and for tests; never call it
    /// from a thread that must not block.
    @discardableResult
    public func flush(timeout: Duration = .seconds(5), stall: Duration? = nil) -> Bool {
        let deadline = ContinuousClock.now + timeout
        guard let stall else { return core.flush(until: deadline) }
        var progress = core.state.withLock { $0.deliveries }
        while true {
            let slice = min(deadline, ContinuousClock.now + stall)
            if core.flush(until: slice) { return true }
            let now = core.state.withLock { $0.deliveries }
            if now == progress || ContinuousClock.now >= deadline { return false }
            progress = now
        }
    }

    /// Flushes ``standardOutput`` and ``standardError`` at exit: at most `timeout` in all, and
    /// not past half a second without progress (an output that stopped draining must not keep
    /// the process from ending).
    public static func flushStandard(timeout: Duration = .seconds(2)) {
        let deadline = ContinuousClock.now + timeout
        standardOutput.flush(timeout: max(.zero, deadline - ContinuousClock.now), stall: .milliseconds(500))
        standardError.flush(timeout: max(.zero, deadline - ContinuousClock.now), stall: .milliseconds(500))
    }
}

extension OutputQueue {
    struct State {
        var lines: [[UInt8]] = []
        var bytes = 0
        /// Dropped since the last note.
        var dropped = 0
        var droppedTotal = 0
        /// Lines taken by the writer and not yet written.
        var inFlight = 0
        /// Batches delivered so far (progress, for a flush that gives up on a stuck writer).
        var deliveries: UInt64 = 0
        var threadStarted = false
        var stopped = false
        var retired = false
        var note: Note
    }

    /// The state and the writer thread's loop: the thread holds this, not the queue, so releasing
    /// the queue ends the thread.
    final class Core: Sendable {
        let state: ConditionLock<State>
        let name: String
        let capacity: Int
        let deliver: Deliver

        init(name: String, capacity: Int, deliver: @escaping Deliver, note: @escaping Note) {
            self.name = name
            self.capacity = capacity
            self.deliver = deliver
            state = ConditionLock(State(note: note))
        }

        func enqueue(_ line: [UInt8]) {
            let startThread = state.withLock { s -> Bool in
                // `bytes` counts what waits and what the writer holds: memory stays under capacity.
                if s.stopped || s.retired || s.bytes + line.count > capacity {
                    s.dropped += 1
                    s.droppedTotal += 1
                } else {
                    s.lines.append(line)
                    s.bytes += line.count
                }
                // Started on a drop too: its note needs the writer (a first line over capacity).
                defer { s.threadStarted = true }
                return !s.threadStarted && !s.stopped
            }
            if startThread {
                if case .failure = DetachedThread.spawn(name: name, { [self] in writeLoop() }) {
                    // No thread: nothing can be written without blocking the caller; drop all.
                    state.withLock { s in
                        s.stopped = true
                        s.droppedTotal += s.lines.count
                        s.lines = []
                        s.bytes = 0
                    }
                }
            }
            state.broadcast()
        }

        func retire() {
            state.withLock { $0.retired = true }
            state.broadcast()
        }

        func flush(until instant: ContinuousClock.Instant) -> Bool {
            let timeout = max(.zero, instant - ContinuousClock.now)
            let deadline = monotonicNanoseconds() + UInt64(max(0, timeout.components.seconds)) * 1_000_000_000
                + UInt64(max(0, timeout.components.attoseconds / 1_000_000_000))
            // A pending note about dropped lines counts as output still to write.
            let pending: (State) -> Bool = { ($0.inFlight > 0 || !$0.lines.isEmpty || $0.dropped > 0) && !$0.stopped }
            return state.withLock(waitingWhile: pending, deadline: deadline) { !pending($0) }
        }

        private func writeLoop() {
            while true {
                let (batch, dropped, retired) = state.withLock(waitingWhile: { $0.lines.isEmpty && !$0.retired && ($0.dropped == 0 || $0.stopped) }) { s -> ([[UInt8]], Int, Bool) in
                    if s.stopped { return ([], 0, true) }
                    if s.lines.isEmpty, s.dropped > 0 {
                        // Drained after a loss: say so, once, before anything newer.
                        defer { s.dropped = 0 }
                        s.inFlight = 1
                        return ([], s.dropped, false)
                    }
                    let batch = s.lines
                    s.lines = []
                    s.inFlight = batch.count
                    return (batch, 0, s.retired && batch.isEmpty)
                }
                if retired { return }
                let lines = dropped > 0 ? [state.withLock { $0.note }(dropped)] : batch
                let delivered = deliver(lines)
                let written = batch.reduce(0) { $0 + $1.count }
                state.withLock { s in
                    s.inFlight = 0
                    s.deliveries += 1
                    s.bytes -= written
                    if !delivered {
                        s.stopped = true
                        s.droppedTotal += s.lines.count
                        s.lines = []
                        s.bytes = 0
                    }
                }
                state.broadcast()
            }
        }
    }
}

/// Blocking writes of whole lines to a descriptor, for writer threads only.
package enum DescriptorWriting {
    /// Writes `lines` (in batches of up to 64 KiB per `write(2)`), retrying after `EINTR`, partial
    /// writes and `EAGAIN` (waited on with `poll(2)`). Returns `false` when the descriptor is
    /// unusable for good (`EPIPE`, `EBADF`); other errors (`ENOSPC`, `EIO`) drop the batch.
    package static func writeAll(_ lines: [[UInt8]], to descriptor: Int32) -> Bool {
        var batch: [UInt8] = []
        batch.reserveCapacity(min(65536, lines.reduce(0) { $0 + $1.count }))
        for line in lines {
            if !batch.isEmpty, batch.count + line.count > 65536 {
                guard writeAll(batch, to: descriptor) else { return false }
                batch.removeAll(keepingCapacity: true)
            }
            batch += line
        }
        return writeAll(batch, to: descriptor)
    }

    /// Writes all of `bytes`; see ``writeAll(_:to:)-([[UInt8]],_)``.
    package static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                switch SystemCall.retrying({ write(descriptor, rest.baseAddress, rest.count) }) {
                case .success(0):
                    return true  // no progress and no error: drop the rest
                case .success(let written):
                    offset += written
                case .failure(let error) where error.isWouldBlock:
                    var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = SystemCall.retrying { poll(&request, 1, -1) }
                case .failure(let error) where error == .brokenPipe || error == .badDescriptor:
                    return false
                case .failure:
                    return true  // ENOSPC, EIO, ...: drop this batch, try again with the next one
                }
            }
            return true
        }
    }
}
