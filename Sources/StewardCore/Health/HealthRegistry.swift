import Synchronization

/// The application's one health registry, shared by the runner and every component.
///
/// Rules:
/// - A key is registered once (a second registration throws ``HealthError/Code/duplicate``) and
///   starts **unhealthy**.
/// - ``update(_:healthy:reason:)`` flips a registered key; updating an unknown key throws.
/// - ``isReady`` is the conjunction over every registered key (an empty registry is ready).
/// - Waiting for keys is event-driven: ``waitUntilHealthy(_:)`` resumes on the update that makes
///   the last of them healthy; waiting for a key that is not registered fails at once.
public final class HealthRegistry: Sendable {
    private struct Waiter {
        let keys: Set<HealthKey>
        var pending: Set<HealthKey>
        /// Called once, outside the lock, when nothing is pending any more.
        var wake: (@Sendable () -> Void)?
    }

    private struct State {
        var statuses: [HealthKey: HealthStatus] = [:]
        var order: [HealthKey] = []
        var unhealthyCount = 0
        var waiters: [UInt64: Waiter] = [:]
        var waitersByKey: [HealthKey: Set<UInt64>] = [:]
        var observers: [UInt64: @Sendable (HealthStatus) -> Void] = [:]
        var nextID: UInt64 = 0

        /// Registers a wait for `keys` with `wake`: its id; `nil` when every key is healthy
        /// already (nothing registered); a failure for a key that is not registered.
        mutating func addWaiter(_ keys: Set<HealthKey>, wake: (@Sendable () -> Void)?) -> Result<UInt64?, HealthError> {
            if let unknown = keys.first(where: { statuses[$0] == nil }) { return .failure(HealthError(code: .unknown, key: unknown)) }
            let pending = keys.filter { statuses[$0]?.isHealthy != true }
            guard !pending.isEmpty else { return .success(nil) }
            nextID += 1
            waiters[nextID] = Waiter(keys: keys, pending: pending, wake: wake)
            for key in keys { waitersByKey[key, default: []].insert(nextID) }
            return .success(nextID)
        }

        /// Forgets waiter `id` under every key it watched; returns it, if it was still there.
        mutating func removeWaiter(_ id: UInt64) -> Waiter? {
            guard let waiter = waiters.removeValue(forKey: id) else { return nil }
            for key in waiter.keys { waitersByKey[key]?.remove(id) }
            return waiter
        }
    }

    private let state = Mutex(State())

    /// Creates an empty registry.
    public init() {}

    /// Registers `key`, unhealthy, optionally owned by a component (for per-component views).
    /// - Throws: ``HealthError/Code/duplicate`` if the key exists.
    public func register(_ key: HealthKey, owner: String? = nil, reason: String? = "not yet reported") throws(HealthError) {
        let added = state.withLock { s -> Bool in
            guard s.statuses[key] == nil else { return false }
            s.statuses[key] = HealthStatus(key: key, owner: owner, isHealthy: false, reason: reason)
            s.order.append(key)
            s.unhealthyCount += 1
            return true
        }
        guard added else { throw HealthError(code: .duplicate, key: key) }
    }

    /// Removes a key (a component removed at run time). Pending waits no longer count it.
    /// A no-op for an unknown key.
    public func unregister(_ key: HealthKey) {
        let resumed = state.withLock { s -> [@Sendable () -> Void] in
            guard let status = s.statuses.removeValue(forKey: key) else { return [] }
            s.order.removeAll { $0 == key }
            if !status.isHealthy { s.unhealthyCount -= 1 }
            var resumed: [@Sendable () -> Void] = []
            for id in s.waitersByKey.removeValue(forKey: key) ?? [] {
                s.waiters[id]?.pending.remove(key)
                if let continuation = Self.completeIfSatisfied(id, &s) { resumed.append(continuation) }
            }
            return resumed
        }
        for wake in resumed { wake() }
    }

    /// Sets the health of a registered key. A no-op (no notification) if nothing changed.
    /// - Throws: ``HealthError/Code/unknown`` if the key was never registered.
    public func update(_ key: HealthKey, healthy: Bool, reason: String? = nil) throws(HealthError) {
        let effect = state.withLock { s -> (HealthStatus?, [@Sendable () -> Void], [@Sendable (HealthStatus) -> Void])? in
            guard var status = s.statuses[key] else { return nil }
            let reason = healthy ? reason : (reason ?? "unhealthy")
            guard status.isHealthy != healthy || status.reason != reason else { return (nil, [], []) }
            if status.isHealthy != healthy { s.unhealthyCount += healthy ? -1 : 1 }
            status.isHealthy = healthy
            status.reason = reason
            status.changedAt = .now
            s.statuses[key] = status
            var resumed: [@Sendable () -> Void] = []
            for id in s.waitersByKey[key] ?? [] {
                // A key that turns unhealthy again goes back into the waiter's pending set: the
                // wait ends only when every key is healthy at the same time.
                if healthy { s.waiters[id]?.pending.remove(key) } else { s.waiters[id]?.pending.insert(key) }
                if let continuation = Self.completeIfSatisfied(id, &s) { resumed.append(continuation) }
            }
            return (status, resumed, Array(s.observers.values))
        }
        guard let effect else { throw HealthError(code: .unknown, key: key) }
        for wake in effect.1 { wake() }
        if let status = effect.0 { for observer in effect.2 { observer(status) } }
    }

    /// Ends waiter `id` if nothing is pending for it any more: forgets it under every key it
    /// watched and returns its wake-up (to call outside the lock), if it has one yet.
    private static func completeIfSatisfied(_ id: UInt64, _ s: inout State) -> (@Sendable () -> Void)? {
        guard s.waiters[id]?.pending.isEmpty == true else { return nil }
        return s.removeWaiter(id)?.wake
    }

    /// How many waits are pending (for tests).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Whether every registered key is healthy.
    public var isReady: Bool { state.withLock { $0.unhealthyCount == 0 } }

    /// The status of one key, or `nil` if it is not registered.
    public func status(of key: HealthKey) -> HealthStatus? { state.withLock { $0.statuses[key] } }

    /// Every registered key's status, in registration order.
    public var statuses: [HealthStatus] { state.withLock { s in s.order.compactMap { s.statuses[$0] } } }

    /// The statuses of the keys owned by `owner`, in registration order.
    public func statuses(owner: String) -> [HealthStatus] { statuses.filter { $0.owner == owner } }

    /// Whether every key owned by `owner` is healthy (`true` when it owns none).
    public func isHealthy(owner: String) -> Bool { statuses(owner: owner).allSatisfy(\.isHealthy) }

    /// Returns once every key in `keys` is healthy at the same time, or when the task is cancelled.
    /// A key unregistered while waiting no longer counts (its component was removed).
    /// - Throws: ``HealthError/Code/unknown`` at once if a key is not registered: it could never
    ///   become healthy, and waiting on it would last forever.
    public func waitUntilHealthy(_ keys: some Sequence<HealthKey>) async throws(HealthError) {
        let keys = Set(keys)
        let found = state.withLock { $0.addWaiter(keys, wake: nil) }
        guard let id = try found.get() else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    guard s.waiters[id] != nil, !Task.isCancelled else { return true }
                    s.waiters[id]?.wake = { continuation.resume() }
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let wake = state.withLock { $0.removeWaiter(id)?.wake }
            wake?()
        }
    }

    /// Calls `action` once every key in `keys` is healthy at the same time, on the thread whose
    /// update made the last of them healthy, or at once (on this thread) if they all are already:
    /// ``waitUntilHealthy(_:)`` without a task waiting. `action` gets a failure at once for a key
    /// that is not registered. Returns a token for ``cancelWhenHealthy(_:)``, or `nil` if `action`
    /// already ran.
    func whenHealthy(_ keys: [HealthKey], _ action: @escaping @Sendable (Result<Void, HealthError>) -> Void) -> UInt64? {
        let keys = Set(keys)
        let found = state.withLock { $0.addWaiter(keys, wake: { action(.success(())) }) }
        switch found {
        case .failure(let error):
            action(.failure(error))
            return nil
        case .success(nil):
            action(.success(()))
            return nil
        case .success(let id):
            return id
        }
    }

    /// Forgets a wait registered with ``whenHealthy(_:_:)``; a no-op if it ended or was cancelled.
    func cancelWhenHealthy(_ id: UInt64) {
        _ = state.withLock { $0.removeWaiter(id) }
    }

    /// Calls `handler` after every change of any key (on the thread that made the change).
    /// Returns a token for ``removeObserver(_:)``.
    @discardableResult
    public func observe(_ handler: @escaping @Sendable (HealthStatus) -> Void) -> UInt64 {
        state.withLock { s in
            s.nextID += 1
            s.observers[s.nextID] = handler
            return s.nextID
        }
    }

    /// Stops calling an observer; a no-op for an unknown token.
    public func removeObserver(_ token: UInt64) {
        _ = state.withLock { $0.observers.removeValue(forKey: token) }
    }
}
