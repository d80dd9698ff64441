import Foundation

/// Runs blocking socket work on a thread of its own: never on Swift's cooperative pool (whose few
/// threads the server's handler tasks need), nor on Dispatch's width-limited global queues, which
/// add threads only slowly when their workers block.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
/// The timeout is a generous upper bound, never a timing assertion.
func eventually(timeout: Duration = .seconds(15), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// A failure of the test client.
struct TestClientError: Error, CustomStringConvertible {
    var description: String
}
