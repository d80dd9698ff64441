import StewardCore

/// Waits, without polling, until a condition on a lifecycle's readiness holds: it is checked
/// again on every lifecycle event and every health change.
enum ReadinessWaiter {
    /// `true` once `condition` holds; `false` if `timeout` passes first or shutdown begins.
    static func wait(for lifecycle: Lifecycle, timeout: Duration, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let observer = lifecycle.health.observe { _ in continuation.yield() }
        let events = lifecycle.events(bufferingPolicy: .bufferingNewest(1))
        let forwarder = Task { for await _ in events { continuation.yield() } }
        defer {
            lifecycle.health.removeObserver(observer)
            forwarder.cancel()
            continuation.finish()
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in changes {
                    if condition() { return true }
                    if lifecycle.isShuttingDown { return false }
                }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            continuation.yield()  // check once now
            let result = await group.next() ?? false
            group.cancelAll()
            return result
        }
    }
}
