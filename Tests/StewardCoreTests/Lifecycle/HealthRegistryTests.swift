@testable import StewardCore
import TestSupport
import Testing

@Suite("Health registry rules", .timeLimit(.minutes(1)))
struct HealthRegistryTests {
    @Test("keys start unhealthy; ready means every key healthy; an empty registry is ready")
    func basics() throws {
        let registry = HealthRegistry()
        #expect(registry.isReady)
        try registry.register("db", owner: "database")
        try registry.register("cache", owner: "cache")
        #expect(!registry.isReady)
        #expect(registry.status(of: "db")?.isHealthy == false)
        try registry.update("db", healthy: true)
        #expect(!registry.isReady)
        try registry.update("cache", healthy: true)
        #expect(registry.isReady)
        try registry.update("cache", healthy: false, reason: "evicted")
        #expect(!registry.isReady)
        #expect(registry.status(of: "cache")?.reason == "evicted")
        #expect(registry.statuses.map(\.key) == ["db", "cache"])
        #expect(registry.statuses(owner: "database").map(\.key) == ["db"])
        #expect(registry.isHealthy(owner: "database"))
        #expect(!registry.isHealthy(owner: "cache"))
    }

    @Test("registering a key twice and updating an unknown key are errors")
    func errors() throws {
        let registry = HealthRegistry()
        try registry.register("db")
        #expect(throws: HealthError(code: .duplicate, key: "db")) { try registry.register("db") }
        #expect(throws: HealthError(code: .unknown, key: "ghost")) { try registry.update("ghost", healthy: true) }
    }

    @Test("waiting resumes only when every key is healthy at the same time; a flapping key counts again")
    func waiting() async throws {
        let registry = HealthRegistry()
        try registry.register("a")
        try registry.register("b")
        let resumed = SeenValues()
        let waiter = Task {
            try await registry.waitUntilHealthy(["a", "b"])
            resumed.add("resumed")
        }
        while registry.waiterCount == 0 { await Task.yield() }
        try registry.update("a", healthy: true)
        try registry.update("a", healthy: false)
        try registry.update("b", healthy: true)
        #expect(registry.waiterCount == 1)  // a is down again: still waiting
        #expect(resumed.values.isEmpty)
        try registry.update("a", healthy: true)
        try await waiter.value
        #expect(resumed.values == ["resumed"])
        #expect(registry.waiterCount == 0)
    }

    @Test("a cancelled wait returns")
    func cancelledWait() async throws {
        let registry = HealthRegistry()
        try registry.register("never")
        let waiter = Task { try await registry.waitUntilHealthy(["never"]) }
        waiter.cancel()
        try await waiter.value
        #expect(registry.status(of: "never")?.isHealthy == false)
    }

    /// Before, a wait on a key nobody registered (a typo, a component not added) lasted forever.
    @Test("waiting for a key that is not registered fails at once, naming it")
    func unregisteredKey() async throws {
        let registry = HealthRegistry()
        try registry.register("db")
        await #expect(throws: HealthError(code: .unknown, key: "dbb")) { try await registry.waitUntilHealthy(["db", "dbb"]) }
        #expect(registry.waiterCount == 0)
    }

    @Test("a callback wait runs once, when every key is healthy together; a cancelled one never runs; an unknown key fails at once")
    func callbackWait() throws {
        let registry = HealthRegistry()
        try registry.register("a")
        try registry.register("b")
        let seen = SeenValues()
        let token = registry.whenHealthy(["a", "b"]) { result in seen.add("\(result)") }
        #expect(token != nil)
        try registry.update("a", healthy: true)
        try registry.update("a", healthy: false)
        try registry.update("b", healthy: true)
        #expect(seen.values.isEmpty)  // a is down again
        try registry.update("a", healthy: true)
        try registry.update("b", healthy: false)
        try registry.update("b", healthy: true)
        #expect(seen.values == ["success()"])
        #expect(registry.waiterCount == 0)

        // Already healthy: at once, no token.
        #expect(registry.whenHealthy(["a"]) { _ in seen.add("at once") } == nil)
        #expect(seen.values == ["success()", "at once"])

        // Cancelled before the keys turn healthy: never called, nothing left behind.
        try registry.update("a", healthy: false)
        let cancelled = try #require(registry.whenHealthy(["a"]) { _ in seen.add("cancelled one ran") })
        registry.cancelWhenHealthy(cancelled)
        #expect(registry.waiterCount == 0)
        try registry.update("a", healthy: true)
        #expect(seen.values == ["success()", "at once"])

        // Unknown key: a failure at once, naming it.
        #expect(registry.whenHealthy(["a", "ghost"]) { result in
            if case .failure(let error) = result { seen.add("\(error.key)") }
        } == nil)
        #expect(seen.values == ["success()", "at once", "ghost"])
        #expect(registry.waiterCount == 0)
    }

    @Test("observers see each change once")
    func observers() throws {
        let registry = HealthRegistry()
        try registry.register("k")
        let seen = SeenValues()
        let token = registry.observe { seen.add("\($0.key)=\($0.isHealthy)") }
        try registry.update("k", healthy: true)
        try registry.update("k", healthy: true)
        try registry.update("k", healthy: false)
        registry.removeObserver(token)
        try registry.update("k", healthy: true)
        #expect(seen.values == ["k=true", "k=false"])
    }
}
