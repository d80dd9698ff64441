#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a POSIX mutex with a condition variable, for the one place that must block
/// until another thread is done (``DescriptorWatcher/remove(_:)`` waiting out a running callback).
/// `Synchronization.Mutex` has no condition variable.
final class ConditionLock<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the value, under the lock.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Takes the lock, waits (releasing it meanwhile) until `condition` is false, then runs `body`.
    func withLock<Result>(waitingWhile blocked: (Value) -> Bool, _ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while blocked(value) { pthread_cond_wait(condition, mutex) }
        return try body(&value)
    }

    /// Wakes every thread waiting in ``withLock(waitingWhile:_:)`` to re-check its condition.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
