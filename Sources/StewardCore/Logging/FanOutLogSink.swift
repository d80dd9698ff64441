/// A sink that hands every record to several sinks, in order.
///
/// Each sink does its own synchronisation, so two concurrent records may reach different sinks in a
/// different order; within one sink they never interleave (if that sink guarantees it).
public struct FanOutLogSink: LogSink {
    /// The sinks that receive every record, in the order they are written to.
    public let sinks: [any LogSink]

    /// Creates a sink writing to each of `sinks` in order. An empty list discards every record.
    public init(_ sinks: [any LogSink]) {
        self.sinks = sinks
    }

    /// Creates a sink writing to `first` and then to each of `rest`.
    public init(_ first: any LogSink, _ rest: any LogSink...) {
        self.sinks = [first] + rest
    }

    /// Writes `record` to every sink in order.
    public func write(_ record: LogRecord) {
        for sink in sinks {
            sink.write(record)
        }
    }
}
