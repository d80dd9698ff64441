import Synchronization

/// A sink that keeps records in memory, for tests and for "last N records" ring buffers.
///
/// With `capacity` `nil` every record is kept. With a capacity, only the newest `capacity` records
/// are kept: each record written beyond it discards the oldest one and counts it in
/// `droppedCount`. Safe to use from any thread.
public final class MemoryLogSink: LogSink {
    /// The most records kept (`nil` = unbounded). Never negative.
    public let capacity: Int?

    private struct State {
        /// Kept records. When full and bounded, a ring whose oldest element is at `head`.
        var storage: [LogRecord] = []
        var head = 0
        var dropped = 0
    }

    private let state = Mutex(State())

    /// Creates an empty sink keeping at most `capacity` records (`nil` = all of them). A negative
    /// capacity is treated as 0 (every record is dropped).
    public init(capacity: Int? = nil) {
        self.capacity = capacity.map { max(0, $0) }
    }

    /// Stores `record`, discarding the oldest record when the sink is at capacity.
    public func write(_ record: LogRecord) {
        state.withLock { state in
            guard let capacity else {
                state.storage.append(record)
                return
            }
            if state.storage.count < capacity {
                state.storage.append(record)
            } else if capacity == 0 {
                state.dropped += 1
            } else {
                state.storage[state.head] = record
                state.head = (state.head + 1) % capacity
                state.dropped += 1
            }
        }
    }

    /// A snapshot of the kept records, oldest first.
    public var records: [LogRecord] {
        state.withLock { state in
            guard state.head != 0 else { return state.storage }
            return Array(state.storage[state.head...] + state.storage[..<state.head])
        }
    }

    /// The messages of the kept records, oldest first (a convenience for tests).
    public var messages: [String] {
        records.map(\.message)
    }

    /// How many records were discarded because the sink was at capacity.
    public var droppedCount: Int {
        state.withLock { $0.dropped }
    }

    /// Discards every kept record and resets `droppedCount` to 0.
    public func removeAll() {
        state.withLock { state in
            state = State()
        }
    }
}
