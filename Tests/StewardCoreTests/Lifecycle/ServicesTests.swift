import StewardCore
import TestSupport
import StewardTesting
import Testing

extension ServiceKey where Value == String {
    static var databaseURL: ServiceKey<String> { ServiceKey("database.url") }
    static var replicaURL: ServiceKey<String> { ServiceKey("replica.url", tag: "database") }
    static var primaryURL: ServiceKey<String> { ServiceKey("primary.url", tag: "database") }
}

@Suite("Service container and injection", .timeLimit(.minutes(1)))
struct ServicesTests {
    @Test("typed keys resolve; a missing key, a duplicate and a wrong type are typed errors")
    func containerRules() throws {
        let services = ServiceContainer()
        try services.register(.databaseURL, "postgres://db")
        #expect(try services.resolve(.databaseURL) == "postgres://db")
        #expect(throws: ServiceError(code: .duplicate, key: "database.url")) { try services.register(.databaseURL, "again") }
        #expect(throws: ServiceError(code: .missing, key: "nope")) { try services.resolve(ServiceKey<Int>("nope")) }
        do {
            _ = try services.resolve(ServiceKey<Int>("database.url"))
            Issue.record("expected a type mismatch")
        } catch {
            #expect(error.code == .typeMismatch)
            #expect(error.description == "service \"database.url\" has the wrong type (holds String, asked for Int)")
        }
    }

    @Test("tags list related entries; overlays shadow without changing the parent")
    func tagsAndOverlays() throws {
        let root = ServiceContainer()
        try root.register(.primaryURL, "primary")
        try root.register(.replicaURL, "replica")
        try root.register(.databaseURL, "plain")
        #expect(root.resolveAll(String.self, tagged: "database") == ["primary", "replica"])
        let overlay = root.overlay()
        try overlay.register(.replicaURL, "replica-for-this-process")
        #expect(try overlay.resolve(.replicaURL) == "replica-for-this-process")
        #expect(try root.resolve(.replicaURL) == "replica")
        #expect(overlay.resolveAll(String.self, tagged: "database") == ["primary", "replica-for-this-process"])
        #expect(try overlay.resolve(.databaseURL) == "plain")
    }

    @Test("each component's overlay holds a logger with its name; per-component overlay entries are private")
    func perComponentOverlay() async throws {
        let seen = SeenValues()
        var builder = LifecycleBuilder()
        try builder.services.register(.databaseURL, "shared")
        builder.add(ScriptedInitializer(requires: [.databaseURL]), name: "plain")
        builder.addInitializer("special", options: .init(overlay: { try $0.register(.replicaURL, "mine") })) { context in
            seen.add("special logger=\(context.logger[metadataKey: "component"] ?? "-")")
            seen.add("special replica=\(context.services.resolveIfPresent(.replicaURL) ?? "-")")
        }
        builder.addInitializer("other") { context in
            seen.add("other logger=\(try context.services.resolve(.logger)[metadataKey: "component"] ?? "-")")
            seen.add("other replica=\(context.services.resolveIfPresent(.replicaURL) ?? "-")")
        }
        let report = await (try builder.build(options: testOptions(ManualClock()))).run()
        #expect(report.isClean)
        #expect(Set(seen.values) == ["special logger=special", "special replica=mine", "other logger=other", "other replica=-"])
    }

    @Test("a missing service is an inject error, reported before init; the group never initializes")
    func injectError() async throws {
        var builder = LifecycleBuilder()
        builder.add(ScriptedInitializer(requires: [.databaseURL]), name: "repo", options: .init(priority: 1))
        builder.add(ScriptedInitializer(), name: "sibling", options: .init(priority: 1))
        builder.add(ScriptedRunnable(), name: "base", options: .init(priority: 0))
        let lifecycle = try builder.build(options: testOptions(ManualClock()))
        let recorder = EventRecorder(lifecycle)
        let report = await lifecycle.run()
        let trace = await recorder.finished()
        #expect(report.errors.map(\.description) == ["repo: inject failed (no service registered for key \"database.url\")"])
        #expect(report.errors.first?.phase == .inject)
        #expect(!trace.contains("repo init started"))
        #expect(!trace.contains("sibling init started"))
        #expect(trace.contains("base stop succeeded"))
    }
}

import Synchronization

final class SeenValues: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ value: String) { storage.withLock { $0.append(value) } }
    var values: [String] { storage.withLock { $0 } }
}
