/// A destination for log records.
///
/// `write(_:)` may be called concurrently from any thread or task, so conforming types must do
/// their own synchronisation. It must not throw or trap: a sink that cannot deliver a record
/// (a closed pipe, a full disk) drops it silently. It should return promptly, since it runs on the
/// caller's thread.
public protocol LogSink: Sendable {
    /// Delivers one record. Safe to call from any thread; never traps.
    func write(_ record: LogRecord)
}
