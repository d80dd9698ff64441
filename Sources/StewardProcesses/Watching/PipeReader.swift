import StewardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Reads a child's output pipe through the process's ``DescriptorWatcher`` — the one thread that
/// reads every child's pipes — and hands the bytes over exactly as read. The reader owns the
/// descriptor and closes it once the pipe ends. The one pipe reader: a job's stdout and stderr,
/// and a supervised process's output pipe (kept across its restarts) both go through it.
///
/// Not a `DispatchSource` per pipe: on Linux, libdispatch's epoll bookkeeping can be corrupted by
/// read sources registered and torn down concurrently (swift-corelibs-libdispatch issue #949, a
/// crash in `_dispatch_event_loop_drain`), which is exactly the churn of short command runs.
///
/// `consume` and `end` run one at a time: on the watcher thread while the pipe is watched, then
/// (for what is left) on the caller of ``finish()``, after the watcher is done with it.
package final class PipeReader: Sendable {
    /// Receives the pipe's bytes (`consume`) and its end (`end`, exactly once).
    package struct Handlers: Sendable {
        let consume: @Sendable ([UInt8]) -> Void
        let end: @Sendable () -> Void

        /// `consume` gets the bytes of each read; `end` runs once, when the pipe ends.
        package init(consume: @escaping @Sendable ([UInt8]) -> Void, end: @escaping @Sendable () -> Void) {
            self.consume = consume
            self.end = end
        }
    }

    private let descriptor: FileDescriptor
    /// `nil` once the pipe ended (the handlers are released then: they usually capture the owner).
    private let handlers: Mutex<Handlers?>
    private let registration = Mutex<DescriptorWatcher.Registration?>(nil)
    /// Held while reading: the watcher's reads and ``readAvailable()`` never interleave, so bytes
    /// reach `consume` in the order they were written.
    private let reading = Mutex<Void>(())

    /// Starts reading `descriptor` (made non-blocking here; the reader owns it now). If the watcher cannot take it (no descriptor
    /// left for its thread), nothing is read until ``finish()``.
    package init(_ descriptor: FileDescriptor, handlers: Handlers) {
        self.descriptor = descriptor
        self.handlers = Mutex(handlers)
        let fd = descriptor.rawValue
        _ = descriptor.setNonBlocking()  // a failure only means a read may wait: fcntl on a pipe does not fail
        // Strong: the watcher keeps the reader alive until the pipe ends (or `finish()`). Stored
        // under the lock, so a callback that ends the pipe at once finds the registration to remove.
        registration.withLock { stored in
            stored = try? DescriptorWatcher.shared.add(fd, for: .readable, handler: { [self] _ in readable() })
        }
    }

    /// Whether the watcher took the pipe when the reader was created (it reads as bytes arrive);
    /// `false` when it could not (then nothing is read until ``finish()``).
    package var isWatched: Bool { registration.withLock { $0 != nil } }

    /// Reads what the pipe holds now, ends it (`end` runs) and closes the descriptor, without
    /// waiting for an end of file a surviving grandchild may delay. A no-op once the pipe ended.
    package func finish() {
        // Synchronous: once it returns, no callback runs, so the rest is read here alone.
        if let registration = registration.withLock({ $0 }) { DescriptorWatcher.shared.remove(registration) }
        guard let handlers = handlers.withLock({ $0 }) else { return }
        reading.withLock { _ in _ = drain(into: handlers) }
        end()
    }

    /// Reads, now and on the caller's thread, what the pipe holds, without ending it: what a child
    /// wrote before it exited reaches `consume` before its exit is acted on (the watcher thread may
    /// not have got to it yet). Runs `end` if the pipe ended.
    package func readAvailable() {
        guard let handlers = handlers.withLock({ $0 }) else { return }
        if !reading.withLock({ _ in drain(into: handlers) }) { end() }
    }

    /// The pipe is readable (on the watcher thread): one read of at most 64 KiB, so that a chatty
    /// child cannot monopolize the shared thread (level-triggered: it is called again while bytes
    /// remain).
    private func readable() {
        guard let handlers = handlers.withLock({ $0 }) else { return }
        if !reading.withLock({ _ in drain(into: handlers, reads: 1) }) { end() }
    }

    /// Reads until the pipe is empty (or `reads` reads returned bytes); returns `false` at end of
    /// file (or on a read error).
    private func drain(into handlers: Handlers, reads: Int = .max) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var remaining = reads
        while remaining > 0 {
            switch buffer.withUnsafeMutableBytes({ descriptor.read(into: $0) }) {
            case .success(0):
                return false  // end of file
            case .success(let count):
                handlers.consume(Array(buffer[0..<count]))
                remaining -= 1
            case .failure(let error):
                return error.isWouldBlock  // all read for now; any other error ends the pipe
            }
        }
        return true
    }

    /// Stops watching, runs `end` and closes the descriptor (once).
    private func end() {
        guard let handlers = handlers.withLock({ value -> Handlers? in defer { value = nil }; return value }) else { return }
        if let registration = registration.withLock({ $0 }) { DescriptorWatcher.shared.remove(registration) }
        handlers.end()
        descriptor.close()
    }
}
