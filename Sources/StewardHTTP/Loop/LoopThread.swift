import CStewardSystem
#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached POSIX thread (outside Swift's cooperative pool) with every signal blocked, so
/// process signals go to other threads and never interrupt the event loop.
enum LoopThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new thread named `name` (at most 15 bytes are kept).
    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) -> Result<Void, SystemCallFailure> {
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
            return .failure(SystemCallFailure(operation: "pthread_create", code: result))
        }
        pthread_detach(thread)
        return .success(())
    }
}
