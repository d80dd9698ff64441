#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import StewardCore

/// A config with one field `value` of type `Value`.
fileprivate struct Single<Value: Decodable & Sendable>: EnvironmentConfig {
    var value: Value
}

fileprivate func load<Value: Decodable & Sendable>(_ type: Value.Type, _ text: String) throws(ConfigErrors) -> Value {
    try EnvironmentLoader(prefix: "T", environment: ["T_VALUE": text]).load(Single<Value>.self).value
}

/// The single error of loading `text` as `Value`, or `nil` when it loads.
fileprivate func failure<Value: Decodable & Sendable>(_ type: Value.Type, _ text: String) -> ConfigFieldError? {
    do {
        _ = try load(type, text)
        return nil
    } catch {
        #expect(error.errors.count == 1)
        return error.errors.first
    }
}

fileprivate enum Level: String, Decodable, Sendable, CaseIterable {
    case debug, info, warn
}

fileprivate enum Mode: String, Decodable, Sendable {
    case fast, safe
}

@Suite("Environment configuration: scalar values")
struct ConfigScalarDecodingTests {
    @Test("String is taken verbatim, including whitespace and empty text")
    func string() throws {
        #expect(try load(String.self, "  hello, world ") == "  hello, world ")
        #expect(try load(String.self, "") == "")
    }

    @Test("Bool accepts the documented spellings in any case", arguments: [
        ("true", true), ("TRUE", true), ("1", true), ("yes", true), ("On", true), (" on ", true),
        ("false", false), ("False", false), ("0", false), ("no", false), ("OFF", false),
    ])
    func boolValid(text: String, expected: Bool) throws {
        #expect(try load(Bool.self, text) == expected)
    }

    @Test("Bool rejects other text", arguments: ["maybe", "", "2", "t"])
    func boolInvalid(text: String) {
        let error = failure(Bool.self, text)
        #expect(error?.kind.name == "invalid")
        #expect(error?.environmentVariable == "T_VALUE")
        #expect(error?.message.contains("\"\(text)\" is not a valid Bool") == true)
    }

    @Test("integers of every width parse and reject out-of-range text")
    func integers() throws {
        #expect(try load(Int.self, " -42 ") == -42)
        #expect(try load(Int8.self, "127") == 127)
        #expect(try load(Int16.self, "-32768") == .min)
        #expect(try load(Int32.self, "2147483647") == .max)
        #expect(try load(Int64.self, "9000000000") == 9_000_000_000)
        #expect(try load(UInt.self, "7") == 7)
        #expect(try load(UInt8.self, "255") == 255)
        #expect(try load(UInt16.self, "65535") == .max)
        #expect(try load(UInt32.self, "4000000000") == 4_000_000_000)
        #expect(try load(UInt64.self, "18446744073709551615") == .max)

        #expect(failure(Int.self, "12abc")?.kind == .invalid(value: "12abc", expected: "Int"))
        #expect(failure(Int.self, "1.5")?.kind == .invalid(value: "1.5", expected: "Int"))
        let overflow = failure(Int8.self, "128")
        #expect(overflow?.kind == .invalid(value: "128", expected: "Int8"))
        #expect(overflow?.message.contains("out of range -128...127") == true)
        #expect(failure(UInt.self, "-1")?.kind == .invalid(value: "-1", expected: "UInt"))
        #expect(failure(UInt16.self, "70000") != nil)
        #expect(failure(Int32.self, "") != nil)
    }

    @Test("Double and Float parse finite numbers only")
    func floatingPoint() throws {
        #expect(try load(Double.self, "0.25") == 0.25)
        #expect(try load(Double.self, "-1e3") == -1000)
        #expect(try load(Float.self, " 1.5 ") == 1.5)
        #expect(failure(Double.self, "abc")?.kind == .invalid(value: "abc", expected: "Double"))
        #expect(failure(Double.self, "inf")?.kind.name == "invalid")
        #expect(failure(Float.self, "1,5")?.kind == .invalid(value: "1,5", expected: "Float"))
    }

    @Test("Duration uses the duration syntax")
    func duration() throws {
        #expect(try load(Duration.self, "250ms") == .milliseconds(250))
        #expect(try load(Duration.self, "1h30m") == .seconds(5400))
        #expect(try load(Duration.self, "1.5s") == .milliseconds(1500))
        let error = failure(Duration.self, "10years")
        #expect(error?.kind.name == "invalid")
        #expect(error?.message.contains("unknown unit") == true)
        #expect(failure(Duration.self, "-5s")?.kind.name == "invalid")
    }

    @Test("URL requires a scheme")
    func url() throws {
        #expect(try load(URL.self, "https://example.com:8443/path").port == 8443)
        let error = failure(URL.self, "example.com/path")
        #expect(error?.kind.name == "invalid")
        #expect(error?.message.contains("scheme") == true)
    }

    @Test("String-backed enums decode through a single-value container")
    func enums() throws {
        #expect(try load(Level.self, "warn") == .warn)
        #expect(try load(Mode.self, "safe") == .safe)
        let error = failure(Level.self, "verbose")
        #expect(error?.kind == .invalid(value: "verbose", expected: "Level (one of: debug, info, warn)"))
        #expect(error?.message == "T_VALUE (value): \"verbose\" is not a valid Level (one of: debug, info, warn)")
        #expect(failure(Mode.self, "slow")?.kind.name == "invalid")
    }

    @Test("a missing required scalar is reported as missing")
    func missing() {
        do {
            _ = try EnvironmentLoader(prefix: "T", environment: [:]).load(Single<Int>.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.missing])
            #expect(error.errors.first?.path == "value")
            #expect(error.description == "T_VALUE (value): required but not set (set T_VALUE or T_VALUE_FILE; a Swift default value is used only when the type conforms to DefaultedEnvironmentConfig)")
        }
    }
}
