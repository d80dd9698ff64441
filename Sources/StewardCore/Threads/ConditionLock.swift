#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a POSIX mutex with a condition variable (on the monotonic clock), for the
/// few places that must block a thread of their own until another thread changes something: the
/// descriptor watcher's removal waiting out a running callback, the journal's writer thread
/// waiting for work. `Synchronization.Mutex` has no condition variable.
package final class ConditionLock<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    package init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the value, under the lock.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Takes the lock, waits (releasing it meanwhile) until `condition` is false, then runs `body`.
    package func withLock<Result>(waitingWhile blocked: (Value) -> Bool, _ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while blocked(value) { pthread_cond_wait(condition, mutex) }
        return try body(&value)
    }

    /// Like ``withLock(waitingWhile:_:)``, but gives up waiting at `deadline` (a `CLOCK_MONOTONIC`
    /// instant in nanoseconds, see ``monotonicNanoseconds()``; `nil` waits without limit) and runs `body` then anyway.
    package func withLock<Result>(waitingWhile blocked: (Value) -> Bool, deadline: UInt64?,
                                  _ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while blocked(value) {
            guard let deadline else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            var limit = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            if pthread_cond_timedwait(condition, mutex, &limit) == ETIMEDOUT { break }
        }
        return try body(&value)
    }

    /// Wakes every thread waiting in ``withLock(waitingWhile:_:)`` to re-check its condition.
    package func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

/// Now on `CLOCK_MONOTONIC`, in nanoseconds: the clock of event-loop and writer-thread deadlines.
package func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
