#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An `errno` value, typed: what a failed system call says, so that no raw `-1` travels past the
/// call that returned it.
public struct Errno: Error, Sendable, Hashable, CustomStringConvertible {
    /// The number.
    public let rawValue: Int32

    /// Wraps `rawValue`.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno` now (read it right after the call that failed).
    public static var current: Errno { Errno(rawValue: errno) }

    /// `EINTR`: a signal interrupted the call; try again.
    public static let interrupted = Errno(rawValue: EINTR)
    /// `EAGAIN`/`EWOULDBLOCK`: a non-blocking call found nothing to do now.
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    /// `EPIPE`: the reading end of a pipe or socket is gone.
    public static let brokenPipe = Errno(rawValue: EPIPE)
    /// `EBADF`: not an open descriptor.
    public static let badDescriptor = Errno(rawValue: EBADF)
    /// `ECHILD`: no child to wait for.
    public static let noChild = Errno(rawValue: ECHILD)
    /// `ESRCH`: no such process.
    public static let noProcess = Errno(rawValue: ESRCH)
    /// `ENOENT`: no such file or directory.
    public static let notFound = Errno(rawValue: ENOENT)

    /// Whether this is `EAGAIN` or `EWOULDBLOCK` (the same number on Linux, not everywhere).
    public var isWouldBlock: Bool { rawValue == EAGAIN || rawValue == EWOULDBLOCK }

    /// `strerror`'s text and the number: `Broken pipe (errno 32)`.
    public var description: String { "\(String(cString: strerror(rawValue))) (errno \(rawValue))" }
}

/// System calls that report failure as `-1` and `errno`, turned into `Result`s.
package enum SystemCall {
    /// Runs `call` until it is not interrupted (`EINTR`); a `-1` becomes the `errno` it set.
    @inline(__always)
    package static func retrying<Value: BinaryInteger>(_ call: () -> Value) -> Result<Value, Errno> {
        while true {
            let value = call()
            if value != -1 { return .success(value) }
            let failure = Errno.current
            if failure != .interrupted { return .failure(failure) }
        }
    }

    /// Runs `call` once; a `-1` becomes the `errno` it set (for calls that must not be retried,
    /// such as `close`).
    @inline(__always)
    package static func once<Value: BinaryInteger>(_ call: () -> Value) -> Result<Value, Errno> {
        let value = call()
        return value == -1 ? .failure(.current) : .success(value)
    }
}
