import Dispatch
import Synchronization

/// Waits for a descriptor to become readable or writable without blocking a thread: a Dispatch
/// source for the event and a Dispatch timer for the limit, whichever comes first.
enum DescriptorReadiness {
    /// Which readiness to wait for.
    enum Event: Sendable { case readable, writable }

    static let queue = DispatchQueue(label: "steward.probes", attributes: .concurrent)

    /// `true` if `fd` became ready within `timeout`, `false` on timeout or cancellation. The caller
    /// still owns `fd`; both sources are cancelled before this returns.
    static func wait(_ fd: Int32, for event: Event, timeout: Duration) async -> Bool {
        let resolved = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        let finish: @Sendable (Bool) -> Void = { value in
            resolved.withLock { continuation in
                continuation?.resume(returning: value)
                continuation = nil
            }
        }
        let source: any DispatchSourceProtocol = event == .readable
            ? DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            : DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        return await withTaskCancellationHandler {
            let ready = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                resolved.withLock { $0 = continuation }
                source.setEventHandler { finish(true) }
                timer.setEventHandler { finish(false) }
                timer.schedule(deadline: .now() + .nanoseconds(nanoseconds))
                source.resume()
                timer.resume()
                if Task.isCancelled { finish(false) }
            }
            source.cancel()
            timer.cancel()
            // Cancellation is asynchronous for Dispatch sources; the event handlers above only
            // touch `resolved`, so a late event after this point is harmless.
            return ready
        } onCancel: {
            finish(false)
        }
    }
}
