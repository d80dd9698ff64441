import CStewardSystem
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide signal delivery as async streams, without polling.
///
/// Under the default executor, a C handler writes each caught signal's number to a self-pipe (the
/// only async-signal-safe thing it does); a Dispatch read source on the pipe turns bytes into
/// stream elements. Dispositions are real handlers, not `SIG_IGN`, so children exec'd later start
/// with default dispositions, and no signal is blocked, so spawned children inherit an empty mask.
///
/// Under ``StewardExecutor`` no handler is installed and no Dispatch source exists: every
/// asynchronous signal is blocked in every thread and the executor's loop reads them from a
/// signalfd, calling the observers on its thread; a signal nobody observes gets its default action
/// there (terminate, stop, or nothing). A burst of one standard signal may then coalesce into one
/// delivery, as the kernel keeps one pending instance.
public final class SignalListener: Sendable {
    /// The listener for this process.
    public static let shared = SignalListener()

    private struct State {
        var subscribers: [UInt64: (signals: Set<Int32>, deliver: @Sendable (Int32) -> Void)] = [:]
        var nextID: UInt64 = 0
        var source: (any DispatchSourceRead)?
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "steward.signals")

    private init() {}

    /// A stream of the given signals as they arrive. Catching starts before this returns; when the
    /// stream is cancelled or dropped and no other subscriber wants a signal, the disposition it
    /// had before is restored.
    /// - Throws: ``SystemError`` if the pipe or a handler cannot be installed.
    public func signals(_ numbers: Set<Int32>) throws(SystemError) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let token = try observe(numbers) { continuation.yield($0) }
        continuation.onTermination = { [weak self] _ in self?.removeObserver(token) }
        return stream
    }

    /// Identifies an observer registered with ``observe(_:handler:)``.
    public struct Token: Sendable, Hashable { fileprivate let id: UInt64 }

    /// Calls `handler` with each of the given signals as it arrives, on the listener's serial queue
    /// (under ``StewardExecutor``: on its loop's thread), with no task hop: the reaper reacts to
    /// SIGCHLD directly. Signals of one kind may coalesce, as
    /// the kernel coalesces them.
    /// - Throws: ``SystemError`` if the pipe or a handler cannot be installed.
    public func observe(_ numbers: Set<Int32>, handler: @escaping @Sendable (Int32) -> Void) throws(SystemError) -> Token {
        if ExecutorLoop.installed.load(ordering: .acquiring) {
            let id = state.withLock { s -> UInt64 in
                s.nextID += 1
                s.subscribers[s.nextID] = (numbers, handler)
                return s.nextID
            }
            return Token(id: id)
        }
        let fd = steward_signal_pipe_open()
        guard fd >= 0 else { throw SystemError.last("creating the signal pipe") }
        // Subscriber and handlers change together under the lock, so a concurrent unsubscribe can
        // never restore the disposition of a signal that is being subscribed to.
        let result: Result<UInt64, SystemError> = state.withLock { s in
            let alreadyWanted = s.subscribers.values.reduce(into: Set<Int32>()) { $0.formUnion($1.signals) }
            var installed: [Int32] = []
            for number in numbers.subtracting(alreadyWanted) {
                guard steward_signal_catch(number) == 0 else {
                    let error = SystemError.last("catching \(SignalName.name(of: number))")
                    for done in installed { _ = steward_signal_default(done) }
                    return .failure(error)
                }
                installed.append(number)
            }
            s.nextID += 1
            s.subscribers[s.nextID] = (numbers, handler)
            if s.source == nil {
                let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
                source.setEventHandler { [weak self] in self?.drain(fd) }
                source.resume()
                s.source = source
            }
            return .success(s.nextID)
        }
        return Token(id: try result.get())
    }

    /// Stops calling an observer; signals nobody observes any more get their default disposition
    /// back. A no-op for an unknown token.
    public func removeObserver(_ token: Token) { unsubscribe(token.id) }

    /// Empties the wake-up pipe, then delivers every arrival counted by the C handler, in signal
    /// number order (a burst of one signal is delivered as many times as it arrived).
    private func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 256)
        while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
        let subscribers = state.withLock { Array($0.subscribers.values) }
        let wanted = subscribers.reduce(into: Set<Int32>()) { $0.formUnion($1.signals) }
        for number in wanted.sorted() {
            let arrivals = steward_signal_take(number)
            for _ in 0..<max(0, arrivals) {
                for subscriber in subscribers where subscriber.signals.contains(number) {
                    subscriber.deliver(number)
                }
            }
        }
    }

    /// Calls the observers of `number`, read by the executor loop from its signalfd; applies the
    /// signal's default action when nobody observes it.
    func deliverFromLoop(_ number: Int32) {
        let observers = state.withLock { s in s.subscribers.values.filter { $0.signals.contains(number) }.map(\.deliver) }
        guard !observers.isEmpty else {
            _ = steward_signal_act_default(number)
            return
        }
        for deliver in observers { deliver(number) }
    }

    private func unsubscribe(_ id: UInt64) {
        state.withLock { s in
            guard let removed = s.subscribers.removeValue(forKey: id) else { return }
            guard !ExecutorLoop.installed.load(ordering: .acquiring) else { return }
            let stillWanted = s.subscribers.values.reduce(into: Set<Int32>()) { $0.formUnion($1.signals) }
            for number in removed.signals.subtracting(stillWanted) { _ = steward_signal_default(number) }
        }
    }
}

extension SignalName {
    /// The real-time signals this libc leaves to applications (SIGRTMIN…SIGRTMAX, 34…64 with
    /// glibc): their default action terminates, so a program that must not die by one catches them.
    /// (Here, beside the C shims: SIGRTMIN and SIGRTMAX are function calls in glibc.)
    public static let realtime: Set<Int32> = Set(steward_signal_realtime_min()...steward_signal_realtime_max())
}
