import Testing
@testable import StewardCore

@Suite("Environment configuration: lists")
struct ConfigListDecodingTests {
    fileprivate enum Feature: String, Decodable, Sendable, CaseIterable { case alpha, beta }

    fileprivate struct Lists: EnvironmentConfig {
        var hosts: [String]
        var ports: [Int]
        var delays: [Duration]
        var features: [Feature]
        var flags: Set<String>
        static let configFields = [
            ConfigField("delays", default: "1s, 2s"),
            ConfigField("features", default: ""),
            ConfigField("flags", default: "x"),
        ]
    }

    @Test("comma-separated items are trimmed and empty items dropped")
    func parsesItems() throws {
        let environment = ["L_HOSTS": " a.example , b.example,,", "L_PORTS": "80,443", "L_FEATURES": "beta, alpha"]
        let lists = try EnvironmentLoader(prefix: "L", environment: environment).load(Lists.self)
        #expect(lists.hosts == ["a.example", "b.example"])
        #expect(lists.ports == [80, 443])
        #expect(lists.delays == [.seconds(1), .seconds(2)])
        #expect(lists.features == [.beta, .alpha])
        #expect(lists.flags == ["x"])
    }

    @Test("an empty variable is an empty list")
    func emptyList() throws {
        let lists = try EnvironmentLoader(prefix: "L", environment: ["L_HOSTS": "", "L_PORTS": " "]).load(Lists.self)
        #expect(lists.hosts.isEmpty)
        #expect(lists.ports.isEmpty)
        #expect(lists.features.isEmpty)
    }

    @Test("every invalid item is reported with its position")
    func invalidItems() {
        let environment = ["L_HOSTS": "a", "L_PORTS": "80,http,443,-", "L_FEATURES": "gamma"]
        do {
            _ = try EnvironmentLoader(prefix: "L", environment: environment).load(Lists.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.message) == [
                "L_PORTS (ports): item 2 \"http\" is not a valid Int",
                "L_PORTS (ports): item 4 \"-\" is not a valid Int",
                "L_FEATURES (features): item 1 \"gamma\" is not a valid Feature (one of: alpha, beta)",
            ])
        }
    }

    @Test("a missing required list is reported as missing")
    func missingList() {
        do {
            _ = try EnvironmentLoader(prefix: "L", environment: ["L_HOSTS": "a"]).load(Lists.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.environmentVariable) == ["L_PORTS"])
            #expect(error.errors.first?.kind == .missing)
        }
    }

    fileprivate struct Item: Decodable, Sendable { var name: String }
    fileprivate struct StructList: EnvironmentConfig {
        var items: [Item]
        var after: Int
    }

    @Test("lists of structs are unsupported and decoding continues")
    func listOfStructs() {
        do {
            _ = try EnvironmentLoader(prefix: "L", environment: ["L_ITEMS": "a,b"]).load(StructList.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.unsupported(type: "[Item]"), .missing])
        }
    }
}
