#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock(2)` on a file that records its holder's pid: one process at a time holds
/// it, and the kernel lets go when that process dies (even by SIGKILL), so it is never stale. The
/// file is opened without following a symbolic link and never truncated before the lock is held.
/// The one lock of its kind: one steward per control socket, one writer per journal.
package final class LockFile: Sendable {
    /// Why the lock could not be taken.
    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another process holds it; its pid as the file records it (`nil` if unreadable).
        case held(path: String, pid: Int32?)
        /// The file cannot be opened or locked (`ELOOP`: it is a symbolic link).
        case unusable(path: String, Errno)
        /// The path names something other than a regular file.
        case notRegularFile(path: String)

        package var description: String {
            switch self {
            case .held(let path, let pid): "\(path) is locked by another process" + (pid.map { " (pid \($0))" } ?? "")
            case .unusable(let path, let error): "cannot lock \(path): \(error)"
            case .notRegularFile(let path): "cannot lock \(path): it is not a regular file"
            }
        }
    }

    /// Who holds a lock file, as another process sees it without taking the lock.
    package enum Holder: Sendable, Equatable {
        /// Nobody: there is no file, or its lock is free.
        case nobody
        /// A process holds it; its pid as the file records it (`nil` if unreadable).
        case process(Int32?)
        /// The file exists but cannot be looked at (not readable, a symbolic link, not a regular
        /// file): whether it is held cannot be told.
        case unknown
    }

    /// The lock file's path.
    package let path: String
    private let descriptor: FileDescriptor

    /// Takes the lock at `path` (creating the file, mode 0600) and writes this process's pid in it.
    package init(path: String) throws(Failure) {
        let descriptor: FileDescriptor
        switch FileDescriptor.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, mode: 0o600) {
        case .success(let opened): descriptor = opened
        case .failure(let error): throw .unusable(path: path, error)
        }
        if case .success(let info) = descriptor.status(), info.st_mode & S_IFMT != S_IFREG {
            throw .notRegularFile(path: path)
        }
        switch SystemCall.retrying({ flock(descriptor.rawValue, LOCK_EX | LOCK_NB) }) {
        case .success: break
        case .failure(let error) where error.isWouldBlock: throw .held(path: path, pid: Self.recordedPid(descriptor))
        case .failure(let error): throw .unusable(path: path, error)
        }
        _ = ftruncate(descriptor.rawValue, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(descriptor.rawValue, $0.baseAddress, $0.count, 0) }
        self.path = path
        self.descriptor = descriptor
    }

    /// Who holds the lock at `path` now, found with a shared `flock` that is let go at once; the
    /// file is opened read-only, without following a symbolic link, and nothing is created.
    package static func holder(at path: String) -> Holder {
        let descriptor: FileDescriptor
        switch FileDescriptor.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) {
        case .success(let opened): descriptor = opened
        case .failure(let error): return error == .notFound ? .nobody : .unknown
        }
        guard case .success(let info) = descriptor.status(), info.st_mode & S_IFMT == S_IFREG else { return .unknown }
        guard flock(descriptor.rawValue, LOCK_SH | LOCK_NB) != 0 else {
            _ = flock(descriptor.rawValue, LOCK_UN)
            return .nobody
        }
        return .process(recordedPid(descriptor))
    }

    /// Removes the file and lets go of the lock (at exit; a process that dies lets go anyway).
    package func release() {
        unlink(path)
        descriptor.close()
    }

    private static func recordedPid(_ descriptor: FileDescriptor) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor.rawValue, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(count), as: UTF8.self).filter(\.isNumber))
    }
}
