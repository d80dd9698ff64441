/// The lines of a run's log as they are written: an `AsyncSequence` that ends once the run is
/// final and every line was delivered, or when the consuming task is cancelled.
///
/// Built from two functions so any store can provide it: `read` returns a page from an offset,
/// `waitForMore` returns when lines after an offset may exist (event-driven in memory; a store
/// shared with other processes may wait on a notification or a short timer).
///
/// ```swift
/// for try await line in scheduler.followLog(runId) { print(line.text) }
/// ```
public struct RunLogFollow: AsyncSequence, Sendable {
    /// A line of the log.
    public typealias Element = RunLogLine
    /// Reading the store failed.
    public typealias Failure = RunStoreError

    private let start: Int
    private let read: @Sendable (Int) async throws(RunStoreError) -> RunLogPage
    private let waitForMore: @Sendable (Int) async -> Void

    /// Creates a follower from `offset` on.
    /// - Parameters:
    ///   - read: reads a page of lines from an offset.
    ///   - waitForMore: returns once lines at or after the offset may exist or the run may have
    ///     ended (spurious returns are fine); should return early when the task is cancelled.
    public init(from offset: Int, read: @escaping @Sendable (Int) async throws(RunStoreError) -> RunLogPage,
                waitForMore: @escaping @Sendable (Int) async -> Void) {
        self.start = Swift.max(0, offset)
        self.read = read
        self.waitForMore = waitForMore
    }

    /// Starts reading at the follower's offset.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(cursor: start, read: read, waitForMore: waitForMore)
    }

    /// Delivers lines one by one, reading pages as needed.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var cursor: Int
        let read: @Sendable (Int) async throws(RunStoreError) -> RunLogPage
        let waitForMore: @Sendable (Int) async -> Void
        var buffer: [RunLogLine] = []
        var finished = false

        /// The next line; `nil` at the end of a final run's log or on cancellation.
        public mutating func next() async throws(RunStoreError) -> RunLogLine? {
            try await next(isolation: nil)
        }

        /// The next line; see ``next()``.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(RunStoreError) -> RunLogLine? {
            while buffer.isEmpty {
                if finished || Task.isCancelled { return nil }
                let page = try await read(cursor)
                if !page.lines.isEmpty {
                    buffer = page.lines.reversed()
                    cursor = page.nextOffset
                } else if page.isComplete {
                    finished = true
                } else {
                    await waitForMore(cursor)
                }
            }
            return buffer.removeLast()
        }
    }
}
