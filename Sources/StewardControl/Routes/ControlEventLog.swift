import StewardCore
import StewardHTTP
import StewardJobs
import StewardSupervisor
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The numbered events of one listener's `/events`, so a client that reconnects with
/// `Last-Event-ID` gets what it missed (the monitor's `EventSource` does this on its own).
///
/// Every event gets the id `EPOCH-N` (`EPOCH`: when this log started, in milliseconds; `N`
/// counts up). The newest ``capacity`` events are kept; a client whose last id is older than
/// those, or from another steward's life (another epoch), gets no replay and should read the
/// current state again. The log subscribes to the lifecycle and the scheduler when the first
/// client comes (nothing runs before that: no idle work without a page open), and again to a
/// scheduler a reload adds.
final class ControlEventLog: Sendable {
    /// One event, in both forms: as anyone may see it and as an operator (stderr tail, output).
    struct Entry: Sendable {
        let sequence: UInt64
        let kind: String
        let publicData: String
        let privateData: String
    }

    /// How many events are kept for reconnecting clients.
    static let capacity = 512

    private struct State {
        var backlog: [Entry] = []
        var next: UInt64 = 1
        var subscribers: [UInt64: AsyncStream<Entry>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
        var feedsLifecycle = false
        var scheduler: ObjectIdentifier?
    }

    private let state = Mutex(State())
    private let supervisor: Supervisor
    /// This log's epoch, the first part of every id.
    let epoch = String(Int64(Date().timeIntervalSince1970 * 1000))

    init(_ supervisor: Supervisor) { self.supervisor = supervisor }

    /// The id of `entry` on the wire.
    func id(_ entry: Entry) -> String { "\(epoch)-\(entry.sequence)" }

    /// Subscribes: the kept events after `lastEventID` (none when it is absent, unknown or too
    /// old), then every new one, until the stream is dropped.
    func subscribe(after lastEventID: String?) -> (replay: [Entry], live: AsyncStream<Entry>, onEnd: @Sendable () -> Void) {
        feed()
        let (stream, continuation) = AsyncStream<Entry>.makeStream(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
        var after: UInt64?
        if let lastEventID, lastEventID.hasPrefix(epoch + "-") { after = UInt64(lastEventID.dropFirst(epoch.count + 1)) }
        let (replay, key) = state.withLock { s -> ([Entry], UInt64) in
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = continuation
            guard let after, let oldest = s.backlog.first?.sequence, after + 1 >= oldest else { return ([], s.nextSubscriber) }
            return (s.backlog.filter { $0.sequence > after }, s.nextSubscriber)
        }
        return (replay, stream, { [self] in _ = state.withLock { $0.subscribers.removeValue(forKey: key) } })
    }

    private func append(kind: String, publicData: String, privateData: String) {
        let (entry, subscribers) = state.withLock { s -> (Entry, [AsyncStream<Entry>.Continuation]) in
            let entry = Entry(sequence: s.next, kind: kind, publicData: publicData, privateData: privateData)
            s.next += 1
            s.backlog.append(entry)
            if s.backlog.count > Self.capacity { s.backlog.removeFirst(s.backlog.count - Self.capacity) }
            return (entry, Array(s.subscribers.values))
        }
        for subscriber in subscribers { subscriber.yield(entry) }
    }

    /// Starts the feeders not running yet: the lifecycle's once, the current scheduler's when
    /// it is new.
    private func feed() {
        let scheduler = supervisor.jobs?.scheduler
        let (lifecycle, jobs) = state.withLock { s -> (Bool, Bool) in
            let lifecycle = !s.feedsLifecycle
            s.feedsLifecycle = true
            let current = scheduler.map(ObjectIdentifier.init)
            let jobs = current != nil && current != s.scheduler
            if jobs { s.scheduler = current }
            return (lifecycle, jobs)
        }
        let encoder = JSONEncoder.steward
        func text(_ value: some Encodable) -> String? { (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } }
        if lifecycle {
            let events = supervisor.lifecycle.events(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
            Task { [self] in
                for await event in events {
                    let payload = EventPayload(event)
                    if let data = text(payload) { append(kind: payload.kind, publicData: data, privateData: data) }
                }
            }
        }
        if jobs, let scheduler {
            let runs = scheduler.runChanges(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
            Task { [self] in
                for await record in runs {
                    let body = RunBody(record)
                    if let open = text(body), let redacted = text(body.redacted(unless: false)) {
                        append(kind: "run", publicData: redacted, privateData: open)
                    }
                }
            }
            let progress = scheduler.progressChanges(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
            Task { [self] in
                for await update in progress {
                    if let data = text(ProgressEventBody(update)) { append(kind: "progress", publicData: data, privateData: data) }
                }
            }
            let changes = scheduler.jobChanges(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
            Task { [self] in
                for await change in changes {
                    if let open = text(JobEventBody(change, permitted: true)), let redacted = text(JobEventBody(change, permitted: false)) {
                        append(kind: "job", publicData: redacted, privateData: open)
                    }
                }
            }
        }
    }
}
