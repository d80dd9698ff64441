import CStewardSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An open file descriptor that closes itself: when released, or once at ``close()``. Reads and
/// writes answer `Result`s with a typed ``Errno``, retried after `EINTR`.
///
/// Owning the descriptor in one object means it is closed exactly once: never leaked on an error
/// path, never closed twice (the second close of a number the kernel may have reused for another
/// file is how one component's bug becomes another's corruption).
package final class FileDescriptor: Sendable, CustomStringConvertible {
    private let number = Atomic<Int32>(-1)

    /// Takes ownership of `rawValue` (a valid descriptor).
    package init(owning rawValue: Int32) {
        number.store(rawValue, ordering: .releasing)
    }

    deinit { close() }

    /// The descriptor's number; `-1` once closed.
    package var rawValue: Int32 { number.load(ordering: .acquiring) }

    package var description: String { "fd \(rawValue)" }

    /// Closes it (once; later calls do nothing).
    package func close() {
        let value = number.exchange(-1, ordering: .acquiringAndReleasing)
        if value >= 0 { _ = Glibc.close(value) }  // EINTR after close on Linux: the descriptor is gone anyway
    }

    /// Gives the number up without closing it (the caller owns it now).
    package func release() -> Int32 {
        number.exchange(-1, ordering: .acquiringAndReleasing)
    }

    /// A pipe whose ends are close-on-exec: (read, write).
    package static func pipe() -> Result<(read: FileDescriptor, write: FileDescriptor), Errno> {
        var fds: [Int32] = [-1, -1]
        guard steward_pipe_cloexec(&fds) == 0 else { return .failure(.current) }
        return .success((FileDescriptor(owning: fds[0]), FileDescriptor(owning: fds[1])))
    }

    /// `open(2)` with `O_CLOEXEC` added.
    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) -> Result<FileDescriptor, Errno> {
        SystemCall.retrying { Glibc.open(path, flags | O_CLOEXEC, mode) }.map(FileDescriptor.init(owning:))
    }

    /// Makes reads and writes on it non-blocking.
    package func setNonBlocking() -> Result<Void, Errno> {
        let fd = rawValue
        return SystemCall.once { fcntl(fd, F_GETFL) }
            .flatMap { flags in SystemCall.once { fcntl(fd, F_SETFL, flags | O_NONBLOCK) } }
            .map { _ in }
    }

    /// One `read(2)` into `buffer`: the count (0 at end of file), or why not.
    package func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        let fd = rawValue
        return SystemCall.retrying { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// One `write(2)` of `bytes`: how many were written, or why none.
    package func write(_ bytes: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        let fd = rawValue
        return SystemCall.retrying { Glibc.write(fd, bytes.baseAddress, bytes.count) }
    }

    /// The file's status (`fstat(2)`).
    package func status() -> Result<stat, Errno> {
        var info = stat()
        let fd = rawValue
        return SystemCall.once { fstat(fd, &info) }.map { _ in info }
    }
}
