import CStewardSystem
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// An epoll instance plus an eventfd registered in it, so other threads can wake `wait`.
/// Level-triggered. Owned by one event loop; `wake()` may be called from any thread while open.
struct Epoll {
    static let readable = steward_epoll_in
    static let writable = steward_epoll_out
    static let error = steward_epoll_err
    static let hangUp = steward_epoll_hup
    /// The peer closed its side (or shut down writing).
    static let peerClosed = steward_epoll_rdhup

    /// The tag of the eventfd's notifications.
    static let wakeTag: UInt64 = 1

    let descriptor: Int32
    let wakeDescriptor: Int32

    /// Creates the epoll instance and its eventfd. Returns the failing call's name and errno.
    static func make() -> Result<Epoll, SystemError> {
        let descriptor = steward_epoll_create()
        guard descriptor >= 0 else { return .failure(SystemError(operation: "epoll_create1", code: errno)) }
        let wake = steward_eventfd()
        guard wake >= 0 else {
            let code = errno
            Glibc.close(descriptor)
            return .failure(SystemError(operation: "eventfd", code: code))
        }
        guard steward_epoll_add(descriptor, wake, readable, wakeTag) == 0 else {
            let code = errno
            Glibc.close(wake)
            Glibc.close(descriptor)
            return .failure(SystemError(operation: "epoll_ctl", code: code))
        }
        return .success(Epoll(descriptor: descriptor, wakeDescriptor: wake))
    }

    func add(_ fd: Int32, events: UInt32, tag: UInt64) -> Bool { steward_epoll_add(descriptor, fd, events, tag) == 0 }
    func modify(_ fd: Int32, events: UInt32, tag: UInt64) -> Bool { steward_epoll_modify(descriptor, fd, events, tag) == 0 }
    func remove(_ fd: Int32) { _ = steward_epoll_remove(descriptor, fd) }

    /// Waits for events (`timeout` -1 = forever). Returns the count, or -1 with errno set.
    func wait(events: UnsafeMutablePointer<UInt32>, tags: UnsafeMutablePointer<UInt64>, capacity: Int32, timeout: Int32) -> Int32 {
        steward_epoll_wait(descriptor, events, tags, capacity, timeout)
    }

    /// Makes the eventfd readable (wakes `wait`).
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    /// Resets the eventfd after it woke `wait`.
    func acknowledgeWake() {
        var value: UInt64 = 0
        _ = read(wakeDescriptor, &value, 8)
    }

    func close() {
        _ = Glibc.close(wakeDescriptor)
        _ = Glibc.close(descriptor)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to 0...UInt64.max / 2.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard seconds < 4_000_000_000 else { return UInt64.max / 2 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
