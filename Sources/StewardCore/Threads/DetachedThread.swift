import CStewardSystem
#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached POSIX thread (outside Swift's cooperative pool) with every signal blocked, so
/// process signals go to other threads and never interrupt it. For loops that block in the kernel
/// (epoll, a condition variable, SQLite's file locks) and must not hold a cooperative thread.
package enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new thread named `name` (at most 15 bytes are kept); returns the thread.
    @discardableResult
    package static func spawn(name: String, _ body: @escaping @Sendable () -> Void) -> Result<pthread_t, SystemError> {
        let context = Unmanaged.passRetained(Body {
            _ = steward_name_thread(name)
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_BLOCK, &all, nil)
            body()
        }).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return .failure(SystemError(operation: "pthread_create", code: result))
        }
        pthread_detach(thread)
        return .success(thread)
    }
}
